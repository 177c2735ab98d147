<?php

declare(strict_types=1);

namespace Spiral\RoadRunner;

use Spiral\Goridge\RPC\Codec\JsonCodec;
use Spiral\Goridge\RPC\RPCInterface;
use Spiral\RoadRunner\Informer\Worker as WorkerInfo;
use Spiral\RoadRunner\Informer\Workers;

/**
 * Adds, removes and lists the workers of a plugin's pool over RPC (always JSON).
 */
final class WorkerPool
{
    private readonly RPCInterface $rpc;

    public function __construct(RPCInterface $rpc)
    {
        $this->rpc = $rpc->withCodec(new JsonCodec());
    }

    public function addWorker(string $plugin): void
    {
        $this->rpc->call('informer.AddWorker', $plugin);
    }

    public function countWorkers(string $plugin): int
    {
        return \count($this->getWorkers($plugin));
    }

    public function getWorkers(string $plugin): Workers
    {
        $reply = $this->rpc->call('informer.Workers', $plugin);
        $list = [];
        foreach ((array) ($reply['workers'] ?? []) as $w) {
            $list[] = new WorkerInfo(
                pid: (int) ($w['pid'] ?? 0),
                statusCode: (int) ($w['status'] ?? 0),
                executions: (int) ($w['numExecs'] ?? 0),
                createdAt: (int) ($w['created'] ?? 0),
                memoryUsage: (int) ($w['memoryUsage'] ?? 0),
                cpuUsage: (float) ($w['CPUPercent'] ?? 0.0),
                command: (string) ($w['command'] ?? ''),
                status: (string) ($w['statusStr'] ?? ''),
            );
        }
        return new Workers($list);
    }

    public function removeWorker(string $plugin): void
    {
        $this->rpc->call('informer.RemoveWorker', $plugin);
    }
}
