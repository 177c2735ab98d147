<?php

declare(strict_types=1);

namespace Rr\Tests\Metrics;

use PHPUnit\Framework\TestCase;
use Spiral\RoadRunner\Metrics\Collector;
use Spiral\RoadRunner\Metrics\CollectorType;

final class CollectorTest extends TestCase
{
    public function testFactoriesSetTheType(): void
    {
        self::assertSame(CollectorType::Counter, Collector::counter()->type);
        self::assertSame(CollectorType::Gauge, Collector::gauge()->type);
        self::assertSame(CollectorType::Histogram, Collector::histogram()->type);
        self::assertSame(CollectorType::Summary, Collector::summary()->type);
        self::assertSame(['histogram', 'gauge', 'counter', 'summary'], \array_map(
            static fn (CollectorType $t) => $t->value,
            CollectorType::cases(),
        ));
    }

    public function testToArrayHasEveryKeyInOrder(): void
    {
        $c = Collector::histogram(1.0, 2, 3.5)
            ->withNamespace('app')
            ->withSubsystem('http')
            ->withHelp('Latency.')
            ->withLabels('route', 'status');

        self::assertSame([
            'namespace' => 'app',
            'subsystem' => 'http',
            'type' => 'histogram',
            'help' => 'Latency.',
            'labels' => ['route', 'status'],
            'buckets' => [1.0, 2.0, 3.5],
        ], $c->toArray());
        self::assertSame($c->toArray(), $c->jsonSerialize());
        self::assertSame(
            '{"namespace":"app","subsystem":"http","type":"histogram","help":"Latency.","labels":["route","status"],"buckets":[1.0,2.0,3.5]}',
            \json_encode($c, \JSON_PRESERVE_ZERO_FRACTION),
        );
    }

    public function testDefaultsAreEmpty(): void
    {
        self::assertSame([
            'namespace' => '',
            'subsystem' => '',
            'type' => 'counter',
            'help' => '',
            'labels' => [],
            'buckets' => [],
        ], Collector::counter()->toArray());
    }

    public function testWithersReturnModifiedCopies(): void
    {
        $base = Collector::gauge();
        $named = $base->withNamespace('a');
        $sub = $named->withSubsystem('b');
        $help = $sub->withHelp('c');
        $labels = $help->withLabels('d');

        self::assertNotSame($base, $named);
        self::assertSame('', $base->toArray()['namespace']);
        self::assertSame('a', $named->toArray()['namespace']);
        self::assertSame('', $named->toArray()['subsystem']);
        self::assertSame('b', $sub->toArray()['subsystem']);
        self::assertSame('', $sub->toArray()['help']);
        self::assertSame('c', $help->toArray()['help']);
        self::assertSame([], $help->toArray()['labels']);
        self::assertSame(['d'], $labels->toArray()['labels']);
        self::assertSame(['x'], $labels->withLabels('x')->toArray()['labels']);
    }

    public function testCannotBeExtended(): void
    {
        self::assertTrue((new \ReflectionClass(Collector::class))->isFinal());
    }
}
