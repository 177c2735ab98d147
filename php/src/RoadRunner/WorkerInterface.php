<?php

declare(strict_types=1);

namespace Spiral\RoadRunner;

use Spiral\Goridge\Exception\GoridgeException;

/**
 * The worker side of the server protocol. Not safe for concurrent use (one per process).
 */
interface WorkerInterface
{
    /**
     * Blocks until the server sends a job. Handshake and other control traffic is handled
     * inside. Returns null when the worker must stop: leave the loop and exit.
     *
     * @throws GoridgeException on a broken relay
     */
    public function waitPayload(): ?Payload;

    /**
     * Sends an answer (or one chunk of it when `$payload->eos` is false).
     */
    public function respond(Payload $payload): void;

    /**
     * Reports a soft error for the current job; the worker stays in the pool.
     */
    public function error(string $error): void;

    /**
     * Asks the server to replace this worker; the current job is retried elsewhere. Keep
     * calling waitPayload() afterwards until it returns null.
     */
    public function stop(): void;

    /**
     * True when a payload (of the given class, if any) can be taken without blocking.
     *
     * @param class-string<Payload>|null $class
     */
    public function hasPayload(?string $class = null): bool;

    /**
     * Takes a payload (of the given class, if any) without blocking, or returns null.
     *
     * @param class-string<Payload>|null $class
     */
    public function getPayload(?string $class = null): ?Payload;
}
