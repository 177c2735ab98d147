<?php

declare(strict_types=1);

namespace Rr\Tests\Integration;

use PHPUnit\Framework\TestCase;
use Spiral\Goridge\RPC\Exception\ServiceException;
use Spiral\Goridge\RPC\MultiRPC;
use Spiral\Goridge\RPC\RPC;
use Spiral\RoadRunner\Environment;
use Spiral\RoadRunner\WorkerPool;

/**
 * Our RPC client, MultiRPC, WorkerPool and Environment against the real rr (RR_BINARY) with
 * real workers: every method answers as RoadRunner does.
 */
final class ControlPlaneTest extends TestCase
{
    private static ?RoadRunnerServer $rr = null;

    public static function tearDownAfterClass(): void
    {
        if (self::$rr !== null) {
            self::assertSame(0, self::$rr->stop(), self::$rr->log());
            self::$rr = null;
        }
    }

    private function rr(): RoadRunnerServer
    {
        $binary = RoadRunnerServer::binaryOrSkip($this);
        return self::$rr ??= new RoadRunnerServer($binary, 2);
    }

    /** @return list<int> */
    private static function pids(array $reply): array
    {
        $pids = \array_map(static fn (array $w): int => $w['pid'], $reply['workers']);
        \sort($pids);
        return $pids;
    }

    public function testRpcEveryMethod(): void
    {
        $rr = $this->rr();
        $rpc = RPC::create($rr->rpcAddress);

        self::assertSame(['http'], $rpc->call('informer.List', true));
        self::assertSame(['http'], $rpc->call('resetter.List', true));
        self::assertSame('2024.3.5', $rpc->call('rpc.Version', true));
        $config = \json_decode(\base64_decode($rpc->call('rpc.Config', true)), true);
        self::assertSame($rr->rpcAddress, $config['rpc']['listen']);

        $workers = $rpc->call('informer.Workers', 'http');
        self::assertCount(2, $workers['workers']);
        $keys = \array_keys($workers['workers'][0]);
        \sort($keys);
        self::assertSame(
            ['CPUPercent', 'command', 'created', 'memoryUsage', 'numExecs', 'pid', 'status', 'statusStr'],
            $keys,
        );
        self::assertSame(['workers' => null], $rpc->call('informer.Workers', 'nope'));

        self::assertTrue($rpc->call('resetter.Reset', 'http'));
        $after = $rpc->call('informer.Workers', 'http');
        self::assertSame([], \array_intersect(self::pids($workers), self::pids($after)));

        try {
            $rpc->call('resetter.Reset', 'nope');
            self::fail('expected a ServiceException');
        } catch (ServiceException $e) {
            self::assertSame("Error 'no such plugin: nope' on " . $rr->rpcAddress, $e->getMessage());
        }
    }

    public function testWorkerPool(): void
    {
        $rr = $this->rr();
        $pool = new WorkerPool(RPC::create($rr->rpcAddress));
        self::assertSame(2, $pool->countWorkers('http'));
        $pool->addWorker('http');
        self::assertSame(3, $pool->countWorkers('http'));
        $workers = $pool->getWorkers('http')->getWorkers();
        self::assertCount(3, $workers);
        foreach ($workers as $w) {
            self::assertGreaterThan(0, $w->pid);
            self::assertSame('ready', $w->status);
            self::assertSame(1, $w->statusCode);
            self::assertGreaterThan(0, $w->memoryUsage);
            self::assertGreaterThan(0, $w->createdAt);
        }
        $pool->removeWorker('http');
        self::assertSame(2, $pool->countWorkers('http'));
        $this->expectException(ServiceException::class);
        $this->expectExceptionMessage('plugin nope does not support workers management');
        $pool->addWorker('nope');
    }

    public function testMultiRpc(): void
    {
        $rr = $this->rr();
        $rpc = MultiRPC::create($rr->rpcAddress, 3);
        self::assertSame('2024.3.5', $rpc->call('rpc.Version', true));
        // More calls in flight than connections: every reply is still collected.
        $seqs = [];
        for ($i = 0; $i < 7; ++$i) {
            $seqs[] = $i % 2 === 0
                ? $rpc->callAsync('informer.Workers', 'http')
                : $rpc->callAsync('resetter.List', true);
        }
        $rpc->callIgnoreResponse('informer.List', true);
        foreach ($seqs as $i => $seq) {
            $reply = $rpc->getResponse($seq);
            if ($i % 2 === 0) {
                self::assertCount(2, $reply['workers']);
            } else {
                self::assertSame(['http'], $reply);
            }
        }
        // One connection: a call made while an async reply is owed reads that reply first, so
        // hasResponse() is true afterwards without any waiting in the test.
        $single = MultiRPC::create($rr->rpcAddress, 1);
        $seq = $single->callAsync('rpc.Version', true);
        self::assertSame(['http'], $single->call('informer.List', true));
        self::assertTrue($single->hasResponse($seq));
        self::assertSame([$seq], $single->hasAnyResponse([$seq, 999999]));
        self::assertSame('2024.3.5', $single->getResponse($seq));
        self::assertFalse($single->hasResponse($seq));
    }

    public function testEnvironmentGivesWorkersTheRpcAddress(): void
    {
        $rr = $this->rr();
        $answer = $rr->get('/env');
        self::assertSame($rr->rpcAddress, $answer['rpc']);
        self::assertSame('http', $answer['mode']);
        // And that address works from PHP the way workers use it.
        $env = new Environment(['RR_RPC' => $answer['rpc']]);
        self::assertSame('2024.3.5', RPC::create($env->getRPCAddress())->call('rpc.Version', true));
    }
}
