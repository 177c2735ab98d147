<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Metrics;

/**
 * A collector declaration, as sent to `metrics.Declare`.
 *
 * @psalm-type ArrayFormatType = array{
 *      type:       non-empty-string,
 *      namespace:  string,
 *      subsystem:  string,
 *      help:       string,
 *      labels:     array<array-key, non-empty-string>,
 *      buckets:    array<array-key, float>
 * }
 */
interface CollectorInterface
{
    /** @param non-empty-string $namespace */
    public function withNamespace(string $namespace): self;

    /** @param non-empty-string $subsystem */
    public function withSubsystem(string $subsystem): self;

    /** @param non-empty-string $help */
    public function withHelp(string $help): self;

    /** @param non-empty-string ...$label */
    public function withLabels(string ...$label): self;

    /** @return ArrayFormatType */
    public function toArray(): array;
}
