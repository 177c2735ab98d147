<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Metrics;

use Spiral\RoadRunner\Metrics\Exception\MetricsException;

/**
 * Application metrics published through the server's `metrics` plugin (RPC service `metrics`).
 * Label values are given in the order of the collector's label names.
 */
interface MetricsInterface
{
    /**
     * Adds to a counter or a gauge.
     *
     * @param non-empty-string $name
     * @param non-empty-string[] $labels
     * @throws MetricsException
     */
    public function add(string $name, float $value, array $labels = []): void;

    /**
     * Subtracts from a gauge.
     *
     * @param non-empty-string $name
     * @param non-empty-string[] $labels
     * @throws MetricsException
     */
    public function sub(string $name, float $value, array $labels = []): void;

    /**
     * Records an observation in a histogram or a summary.
     *
     * @param non-empty-string $name
     * @param non-empty-string[] $labels
     * @throws MetricsException
     */
    public function observe(string $name, float $value, array $labels = []): void;

    /**
     * Sets a gauge.
     *
     * @param non-empty-string $name
     * @param non-empty-string[] $labels
     * @throws MetricsException
     */
    public function set(string $name, float $value, array $labels = []): void;

    /**
     * Declares a collector. Declaring a name that already exists (for example from
     * `metrics.collect` in .rr.yaml) is not an error.
     *
     * @param non-empty-string $name
     * @throws MetricsException
     */
    public function declare(string $name, CollectorInterface $collector): void;

    /**
     * Removes a collector.
     *
     * @param non-empty-string $name
     * @throws MetricsException
     */
    public function unregister(string $name): void;
}
