<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Metrics;

use Spiral\RoadRunner\Metrics\Exception\MetricsException;

/**
 * Retries a failed call up to $retryAttempts more times, pausing between attempts; the last
 * failure is rethrown.
 */
class RetryMetrics implements MetricsInterface
{
    /**
     * @param int<0, max> $retryAttempts
     * @param int<0, max> $retrySleepMicroseconds
     */
    public function __construct(
        private readonly MetricsInterface $metrics,
        private readonly int $retryAttempts,
        private readonly int $retrySleepMicroseconds,
    ) {
    }

    public function add(string $name, float $value, array $labels = []): void
    {
        $this->attempt(fn () => $this->metrics->add($name, $value, $labels));
    }

    public function sub(string $name, float $value, array $labels = []): void
    {
        $this->attempt(fn () => $this->metrics->sub($name, $value, $labels));
    }

    public function observe(string $name, float $value, array $labels = []): void
    {
        $this->attempt(fn () => $this->metrics->observe($name, $value, $labels));
    }

    public function set(string $name, float $value, array $labels = []): void
    {
        $this->attempt(fn () => $this->metrics->set($name, $value, $labels));
    }

    public function declare(string $name, CollectorInterface $collector): void
    {
        $this->attempt(fn () => $this->metrics->declare($name, $collector));
    }

    public function unregister(string $name): void
    {
        $this->attempt(fn () => $this->metrics->unregister($name));
    }

    /**
     * @param \Closure(): void $call
     * @throws MetricsException
     */
    private function attempt(\Closure $call): void
    {
        for ($failures = 0; ; ++$failures) {
            try {
                $call();
                return;
            } catch (MetricsException $e) {
                if ($failures >= $this->retryAttempts) {
                    throw $e;
                }
            }
            \usleep($this->retrySleepMicroseconds);
        }
    }
}
