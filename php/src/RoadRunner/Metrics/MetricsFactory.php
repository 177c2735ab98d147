<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Metrics;

use Psr\Log\LoggerInterface;
use Psr\Log\NullLogger;
use Spiral\Goridge\RPC\RPCInterface;

/**
 * Builds a client from MetricsOptions: Metrics, wrapped in RetryMetrics when retries are on and
 * in SuppressExceptionsMetrics when exceptions are suppressed.
 */
class MetricsFactory
{
    public function __construct(
        private readonly LoggerInterface $logger = new NullLogger(),
    ) {
    }

    public function create(RPCInterface $rpc, MetricsOptions $options = new MetricsOptions()): MetricsInterface
    {
        if ($options->ignoreResponsesWherePossible) {
            // Fire-and-forget needs goridge's asynchronous client, which this library lacks.
            $this->logger->warning('ignoreResponsesWherePossible is true but no AsyncRPCInterface provided');
        }

        $metrics = new Metrics($rpc);
        if ($options->retryAttempts > 0) {
            $metrics = new RetryMetrics($metrics, $options->retryAttempts, $options->retrySleepMicroseconds);
        }
        if ($options->suppressExceptions) {
            $metrics = new SuppressExceptionsMetrics($metrics, $this->logger);
        }
        return $metrics;
    }

    public static function createMetrics(
        RPCInterface $rpc,
        MetricsOptions $options = new MetricsOptions(),
        LoggerInterface $logger = new NullLogger(),
    ): MetricsInterface {
        return (new self($logger))->create($rpc, $options);
    }
}
