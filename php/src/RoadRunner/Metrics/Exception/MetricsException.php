<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Metrics\Exception;

use Spiral\Goridge\RPC\Exception\ServiceException;

/** The metrics service refused a call; the message is the server's error text. */
class MetricsException extends ServiceException
{
}
