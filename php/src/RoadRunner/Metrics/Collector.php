<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Metrics;

/**
 * An immutable collector declaration: start from counter(), gauge(), histogram() or summary()
 * and refine it with the with*() methods, each of which returns a modified copy.
 *
 * <code>
 * $metrics->declare('http_requests', Collector::counter()->withHelp('Requests.')->withLabels('status'));
 * </code>
 *
 * @psalm-import-type ArrayFormatType from CollectorInterface
 */
final class Collector implements CollectorInterface, \JsonSerializable
{
    private string $namespace = '';
    private string $subsystem = '';
    private string $help = '';

    /** @var list<non-empty-string> */
    private array $labels = [];

    /** @var list<float> */
    private array $buckets = [];

    private function __construct(public readonly CollectorType $type)
    {
    }

    public static function counter(): self
    {
        return new self(CollectorType::Counter);
    }

    public static function gauge(): self
    {
        return new self(CollectorType::Gauge);
    }

    /**
     * @param float ...$bucket upper bounds, increasing; none = the server's default buckets
     */
    public static function histogram(float ...$bucket): self
    {
        $collector = new self(CollectorType::Histogram);
        $collector->buckets = \array_values($bucket);
        return $collector;
    }

    public static function summary(): self
    {
        return new self(CollectorType::Summary);
    }

    public function withNamespace(string $namespace): self
    {
        $copy = clone $this;
        $copy->namespace = $namespace;
        return $copy;
    }

    public function withSubsystem(string $subsystem): self
    {
        $copy = clone $this;
        $copy->subsystem = $subsystem;
        return $copy;
    }

    public function withHelp(string $help): self
    {
        $copy = clone $this;
        $copy->help = $help;
        return $copy;
    }

    public function withLabels(string ...$label): self
    {
        $copy = clone $this;
        $copy->labels = \array_values($label);
        return $copy;
    }

    /** @return ArrayFormatType */
    public function toArray(): array
    {
        return [
            'namespace' => $this->namespace,
            'subsystem' => $this->subsystem,
            'type' => $this->type->value,
            'help' => $this->help,
            'labels' => $this->labels,
            'buckets' => $this->buckets,
        ];
    }

    /** @return ArrayFormatType */
    public function jsonSerialize(): array
    {
        return $this->toArray();
    }
}
