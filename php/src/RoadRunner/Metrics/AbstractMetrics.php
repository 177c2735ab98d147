<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Metrics;

/** Base of the RPC-backed clients: the server-side service name. */
abstract class AbstractMetrics implements MetricsInterface
{
    protected const SERVICE_NAME = 'metrics';
}
