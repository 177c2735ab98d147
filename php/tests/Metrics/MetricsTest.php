<?php

declare(strict_types=1);

namespace Rr\Tests\Metrics;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\RecordingRPC;
use Spiral\Goridge\RPC\Exception\ServiceException;
use Spiral\RoadRunner\Metrics\Collector;
use Spiral\RoadRunner\Metrics\Exception\MetricsException;
use Spiral\RoadRunner\Metrics\Metrics;
use Spiral\RoadRunner\Metrics\MetricsInterface;

final class MetricsTest extends TestCase
{
    /** @return iterable<string, array{string, string}> */
    public static function updates(): iterable
    {
        yield 'add' => ['add', 'metrics.Add'];
        yield 'sub' => ['sub', 'metrics.Sub'];
        yield 'observe' => ['observe', 'metrics.Observe'];
        yield 'set' => ['set', 'metrics.Set'];
    }

    /** @dataProvider updates */
    public function testUpdatesSendNameValueAndLabels(string $method, string $rpcMethod): void
    {
        $rpc = new RecordingRPC();
        $metrics = new Metrics($rpc);
        $metrics->$method('foo', 1.5, ['bar', 'baz']);
        $metrics->$method('foo', 2);

        self::assertSame([
            [$rpcMethod, ['name' => 'foo', 'value' => 1.5, 'labels' => ['bar', 'baz']]],
            [$rpcMethod, ['name' => 'foo', 'value' => 2.0, 'labels' => []]],
        ], $rpc->calls());
    }

    /** @dataProvider updates */
    public function testServiceErrorsBecomeMetricsExceptions(string $method): void
    {
        $error = new ServiceException('metrics_plugin_x: undefined collector foo', 7);
        $rpc = (new RecordingRPC())->answer($error);
        try {
            (new Metrics($rpc))->$method('foo', 1.0);
            self::fail('no exception');
        } catch (MetricsException $e) {
            self::assertSame('metrics_plugin_x: undefined collector foo', $e->getMessage());
            self::assertSame(7, $e->getCode());
            self::assertSame($error, $e->getPrevious());
            self::assertInstanceOf(ServiceException::class, $e);
        }
    }

    public function testDeclareSendsTheCollectorArray(): void
    {
        $rpc = new RecordingRPC();
        $collector = Collector::histogram(0.1, 1.0)->withHelp('Latency.')->withLabels('route');
        (new Metrics($rpc))->declare('latency', $collector);

        self::assertSame([['metrics.Declare', ['name' => 'latency', 'collector' => $collector->toArray()]]], $rpc->calls());
    }

    public function testDeclareIgnoresAnExistingCollectorButNotOtherErrors(): void
    {
        $rpc = (new RecordingRPC())
            ->fail("Error 'metrics_plugin_declare: tried to register existing collector with the name `x`' on tcp")
            ->fail('metrics_plugin_declare: unknown collector type meter');
        $metrics = new Metrics($rpc);
        $metrics->declare('x', Collector::counter());

        $this->expectException(MetricsException::class);
        $this->expectExceptionMessage('unknown collector type meter');
        $metrics->declare('x', Collector::counter());
    }

    public function testUnregisterSendsTheNameAlone(): void
    {
        $rpc = new RecordingRPC();
        (new Metrics($rpc))->unregister('foo');
        self::assertSame([['metrics.Unregister', 'foo']], $rpc->calls());

        $this->expectException(MetricsException::class);
        (new Metrics($rpc->fail('metrics_plugin_unregister: undefined collector foo')))->unregister('foo');
    }

    public function testOtherExceptionsPassThrough(): void
    {
        $rpc = (new RecordingRPC())->answer(new \RuntimeException('relay closed'));
        $this->expectException(\RuntimeException::class);
        (new Metrics($rpc))->add('foo', 1.0);
    }

    public function testImplementsTheInterface(): void
    {
        self::assertInstanceOf(MetricsInterface::class, new Metrics(new RecordingRPC()));
    }
}
