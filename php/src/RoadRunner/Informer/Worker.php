<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Informer;

/** One worker as reported by `informer.Workers` (PROTOCOL.md §5.4). */
final class Worker
{
    public function __construct(
        public readonly int $pid,
        public readonly int $statusCode,
        public readonly int $executions,
        public readonly int $createdAt,
        public readonly int $memoryUsage,
        public readonly float $cpuUsage,
        public readonly string $command,
        public readonly string $status,
    ) {
    }
}
