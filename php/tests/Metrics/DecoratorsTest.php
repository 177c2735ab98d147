<?php

declare(strict_types=1);

namespace Rr\Tests\Metrics;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\MemoryLogger;
use Rr\Tests\Stub\RecordingRPC;
use Spiral\RoadRunner\Metrics\Collector;
use Spiral\RoadRunner\Metrics\Exception\MetricsException;
use Spiral\RoadRunner\Metrics\Metrics;
use Spiral\RoadRunner\Metrics\MetricsFactory;
use Spiral\RoadRunner\Metrics\MetricsInterface;
use Spiral\RoadRunner\Metrics\MetricsOptions;
use Spiral\RoadRunner\Metrics\RetryMetrics;
use Spiral\RoadRunner\Metrics\SuppressExceptionsMetrics;

/** RetryMetrics, SuppressExceptionsMetrics and the factory that stacks them. */
final class DecoratorsTest extends TestCase
{
    /** @return iterable<string, array{\Closure(MetricsInterface): void}> */
    public static function operations(): iterable
    {
        yield 'add' => [static fn (MetricsInterface $m) => $m->add('c', 1.0)];
        yield 'sub' => [static fn (MetricsInterface $m) => $m->sub('c', 1.0)];
        yield 'observe' => [static fn (MetricsInterface $m) => $m->observe('c', 1.0)];
        yield 'set' => [static fn (MetricsInterface $m) => $m->set('c', 1.0)];
        yield 'declare' => [static fn (MetricsInterface $m) => $m->declare('c', Collector::counter())];
        yield 'unregister' => [static fn (MetricsInterface $m) => $m->unregister('c')];
    }

    /** @dataProvider operations */
    public function testRetryGivesUpAfterOnePlusRetryAttempts(\Closure $op): void
    {
        $rpc = (new RecordingRPC())->fail('boom', 4);
        $retry = new RetryMetrics(new Metrics($rpc), 3, 1);
        try {
            $op($retry);
            self::fail('no exception');
        } catch (MetricsException $e) {
            self::assertSame('boom', $e->getMessage());
        }
        self::assertCount(4, $rpc->calls());
    }

    /** @dataProvider operations */
    public function testRetrySucceedsOnTheLastAttempt(\Closure $op): void
    {
        $rpc = (new RecordingRPC())->fail('boom', 3);
        $op(new RetryMetrics(new Metrics($rpc), 3, 1));
        self::assertCount(4, $rpc->calls());
    }

    public function testZeroRetriesMeansOneAttempt(): void
    {
        $rpc = (new RecordingRPC())->fail('boom');
        $this->expectException(MetricsException::class);
        try {
            (new RetryMetrics(new Metrics($rpc), 0, 1))->add('c', 1.0);
        } finally {
            self::assertCount(1, $rpc->calls());
        }
    }

    /** @dataProvider operations */
    public function testSuppressLogsAWarningInstead(\Closure $op): void
    {
        $logger = new MemoryLogger();
        $op(new SuppressExceptionsMetrics(new Metrics((new RecordingRPC())->fail('no such collector')), $logger));
        self::assertCount(1, $logger->records);
        self::assertSame('warning', $logger->records[0][0]);
        self::assertStringContainsString('no such collector', $logger->records[0][1]);
    }

    public function testFactoryStacksRetryThenSuppression(): void
    {
        $rpc = (new RecordingRPC())->fail('boom', 10);
        $logger = new MemoryLogger();
        $metrics = MetricsFactory::createMetrics($rpc, new MetricsOptions(2, 1, true), $logger);

        self::assertInstanceOf(SuppressExceptionsMetrics::class, $metrics);
        $metrics->add('c', 1.0);
        self::assertCount(3, $rpc->calls());  // 1 + 2 retries
        self::assertCount(1, $logger->records);
    }

    public function testFactoryDefaultsToThreeRetriesAndThrowing(): void
    {
        $rpc = (new RecordingRPC())->fail('boom', 10);
        $metrics = (new MetricsFactory())->create($rpc);
        self::assertInstanceOf(RetryMetrics::class, $metrics);
        try {
            $metrics->set('g', 1.0);
            self::fail('no exception');
        } catch (MetricsException) {
        }
        self::assertCount(4, $rpc->calls());
    }

    public function testFactoryWithoutRetriesGivesThePlainClient(): void
    {
        self::assertInstanceOf(Metrics::class, (new MetricsFactory())->create(new RecordingRPC(), new MetricsOptions(0)));
    }

    public function testIgnoringResponsesNeedsAnAsyncClientAndWarns(): void
    {
        $logger = new MemoryLogger();
        $metrics = (new MetricsFactory($logger))->create(new RecordingRPC(), new MetricsOptions(0, 0, false, true));
        self::assertInstanceOf(Metrics::class, $metrics);
        self::assertSame('warning', $logger->records[0][0]);
        self::assertStringContainsString('ignoreResponsesWherePossible', $logger->records[0][1]);
    }
}
