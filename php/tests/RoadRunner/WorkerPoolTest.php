<?php

declare(strict_types=1);

namespace Rr\Tests\RoadRunner;

use PHPUnit\Framework\TestCase;
use Psr\Log\LoggerInterface;
use Rr\Tests\Stub\TestRelay;
use Spiral\Goridge\Frame;
use Spiral\Goridge\RPC\Codec\RawCodec;
use Spiral\Goridge\RPC\RPC;
use Spiral\RoadRunner\Logger;
use Spiral\RoadRunner\Version;
use Spiral\RoadRunner\WorkerPool;

final class WorkerPoolTest extends TestCase
{
    /** A relay that answers each RPC call with $replies[method]. */
    private static function server(array $replies): TestRelay
    {
        $answer = static function (Frame $req, TestRelay $relay) use ($replies): void {
            $method = \substr((string) $req->payload, 0, $req->options[1]);
            $options = [$req->options[0], \strlen($method)];
            $relay->addFrames(new Frame($method . $replies[$method], $options, $req->flags));
        };
        return (new TestRelay())->onSend($answer);
    }

    public function testListsWorkersFromInformer(): void
    {
        $relay = self::server(['informer.Workers' => '{"workers":['
            . '{"pid":10,"status":1,"numExecs":3,'
            . '"created":1700000000000000000,"memoryUsage":1048576,"CPUPercent":0.5,"command":"",'
            . '"statusStr":"ready"},{"pid":11,"status":2,"numExecs":0,"created":1,"memoryUsage":2,'
            . '"CPUPercent":0,"command":"php w.php","statusStr":"working"}]}']);
        // The pool forces JSON even when the RPC was configured with another codec.
        $pool = new WorkerPool((new RPC($relay))->withCodec(new RawCodec()));

        $workers = $pool->getWorkers('http');

        self::assertCount(2, $workers);
        self::assertSame(2, $pool->countWorkers('http'));
        $first = $workers->getWorkers()[0];
        self::assertSame(10, $first->pid);
        self::assertSame(1, $first->statusCode);
        self::assertSame(3, $first->executions);
        self::assertSame(1700000000000000000, $first->createdAt);
        self::assertSame(1048576, $first->memoryUsage);
        self::assertSame(0.5, $first->cpuUsage);
        self::assertSame('ready', $first->status);
        self::assertSame('php w.php', $workers->getWorkers()[1]->command);
        self::assertSame('informer.Workers"http"', $relay->getReceived()[0]->payload);
        self::assertSame(Frame::CODEC_JSON, $relay->getReceived()[0]->flags);
    }

    public function testAddsAndRemovesWorkers(): void
    {
        $relay = self::server(['informer.AddWorker' => 'false', 'informer.RemoveWorker' => 'true']);
        $pool = new WorkerPool(new RPC($relay));

        $pool->addWorker('http');
        $pool->removeWorker('http');

        self::assertSame(['informer.AddWorker"http"', 'informer.RemoveWorker"http"'], \array_map(
            static fn (Frame $f) => $f->payload,
            $relay->getReceived(),
        ));
    }

    public function testUnknownPluginHasNoWorkers(): void
    {
        $pool = new WorkerPool(new RPC(self::server(['informer.Workers' => '{"workers":null}'])));

        self::assertSame(0, $pool->countWorkers('nope'));
    }

    public function testLoggerIsAPsrLogger(): void
    {
        self::assertInstanceOf(LoggerInterface::class, new Logger());
    }

    public function testVersionFallsBackWithoutComposer(): void
    {
        self::assertSame(Version::VERSION_FALLBACK, Version::current());
        self::assertSame('*', Version::constraint());
    }
}
