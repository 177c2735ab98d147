<?php

declare(strict_types=1);

namespace Spiral\RoadRunner;

interface StreamWorkerInterface extends WorkerInterface
{
    /**
     * A copy of the worker that counts the frames it sends and, on blocking relays, sends a
     * PING every 5 frames so that a STOP from the server can be noticed.
     */
    public function withStreamMode(): static;
}
