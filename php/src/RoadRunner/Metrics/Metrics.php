<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Metrics;

use Spiral\Goridge\RPC\Exception\ServiceException;
use Spiral\Goridge\RPC\RPCInterface;
use Spiral\RoadRunner\Metrics\Exception\MetricsException;

/**
 * The metrics client: one synchronous RPC call per operation (`metrics.Add`, ...).
 *
 * <code>
 * $metrics = new Metrics(RPC::create(Environment::fromGlobals()->getRPCAddress()));
 * $metrics->declare('jobs', Collector::counter()->withLabels('queue'));
 * $metrics->add('jobs', 1, ['default']);
 * </code>
 */
class Metrics extends AbstractMetrics
{
    private readonly RPCInterface $rpc;

    public function __construct(RPCInterface $rpc)
    {
        $this->rpc = $rpc->withServicePrefix(self::SERVICE_NAME);
    }

    public function add(string $name, float $value, array $labels = []): void
    {
        $this->send('Add', ['name' => $name, 'value' => $value, 'labels' => $labels]);
    }

    public function sub(string $name, float $value, array $labels = []): void
    {
        $this->send('Sub', ['name' => $name, 'value' => $value, 'labels' => $labels]);
    }

    public function observe(string $name, float $value, array $labels = []): void
    {
        $this->send('Observe', ['name' => $name, 'value' => $value, 'labels' => $labels]);
    }

    public function set(string $name, float $value, array $labels = []): void
    {
        $this->send('Set', ['name' => $name, 'value' => $value, 'labels' => $labels]);
    }

    public function declare(string $name, CollectorInterface $collector): void
    {
        try {
            $this->rpc->call('Declare', ['name' => $name, 'collector' => $collector->toArray()]);
        } catch (ServiceException $e) {
            // Already declared (in .rr.yaml or by another worker): fine.
            if (\str_contains($e->getMessage(), 'tried to register existing collector')) {
                return;
            }
            throw new MetricsException($e->getMessage(), (int) $e->getCode(), $e);
        }
    }

    public function unregister(string $name): void
    {
        $this->send('Unregister', $name);
    }

    /**
     * @throws MetricsException
     */
    private function send(string $method, mixed $payload): void
    {
        try {
            $this->rpc->call($method, $payload);
        } catch (ServiceException $e) {
            throw new MetricsException($e->getMessage(), (int) $e->getCode(), $e);
        }
    }
}
