<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Metrics;

use Psr\Log\LoggerInterface;
use Psr\Log\NullLogger;
use Spiral\RoadRunner\Metrics\Exception\MetricsException;

/** Turns every MetricsException into a logged warning, so metrics never break a request. */
class SuppressExceptionsMetrics implements MetricsInterface
{
    public function __construct(
        private readonly MetricsInterface $metrics,
        private readonly LoggerInterface $logger = new NullLogger(),
    ) {
    }

    public function add(string $name, float $value, array $labels = []): void
    {
        $this->quietly('Add', fn () => $this->metrics->add($name, $value, $labels));
    }

    public function sub(string $name, float $value, array $labels = []): void
    {
        $this->quietly('Sub', fn () => $this->metrics->sub($name, $value, $labels));
    }

    public function observe(string $name, float $value, array $labels = []): void
    {
        $this->quietly('Observe', fn () => $this->metrics->observe($name, $value, $labels));
    }

    public function set(string $name, float $value, array $labels = []): void
    {
        $this->quietly('Set', fn () => $this->metrics->set($name, $value, $labels));
    }

    public function declare(string $name, CollectorInterface $collector): void
    {
        $this->quietly('Declare', fn () => $this->metrics->declare($name, $collector));
    }

    public function unregister(string $name): void
    {
        $this->quietly('Unregister', fn () => $this->metrics->unregister($name));
    }

    /** @param \Closure(): void $call */
    private function quietly(string $operation, \Closure $call): void
    {
        try {
            $call();
        } catch (MetricsException $e) {
            $this->logger->warning(\sprintf('[Metrics] %s failed: %s', $operation, $e->getMessage()));
        }
    }
}
