<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Metrics;

/** How MetricsFactory assembles a client. */
class MetricsOptions
{
    /**
     * @param int<0, max> $retryAttempts extra attempts after a failed call (0 = no retry)
     * @param int<0, max> $retrySleepMicroseconds pause between attempts
     * @param bool $suppressExceptions log failures as warnings instead of throwing
     * @param bool $ignoreResponsesWherePossible send updates without waiting for the answer;
     *        needs an asynchronous RPC client, which this library does not provide: the factory
     *        logs a warning and uses the synchronous client
     */
    public function __construct(
        public readonly int $retryAttempts = 3,
        public readonly int $retrySleepMicroseconds = 50,
        public readonly bool $suppressExceptions = false,
        public readonly bool $ignoreResponsesWherePossible = false,
    ) {
    }
}
