<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Http;

use Psr\Http\Message\ResponseInterface;
use Psr\Http\Message\ServerRequestInterface;
use Spiral\RoadRunner\WorkerAwareInterface;

interface PSR7WorkerInterface extends WorkerAwareInterface
{
    /**
     * Blocks until the next request; null when the worker must stop.
     */
    public function waitRequest(): ?ServerRequestInterface;

    public function respond(ResponseInterface $response): void;
}
