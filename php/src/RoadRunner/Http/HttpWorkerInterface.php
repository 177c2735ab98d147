<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Http;

use Generator;
use Spiral\RoadRunner\WorkerAwareInterface;

interface HttpWorkerInterface extends WorkerAwareInterface
{
    /**
     * Blocks until the next request; null when the worker must stop.
     */
    public function waitRequest(): ?Request;

    /**
     * Sends a response. A Generator body is streamed, one frame per yielded string.
     *
     * @param array<string, string|list<string>> $headers
     */
    public function respond(int $status, string|Generator $body, array $headers = []): void;
}
