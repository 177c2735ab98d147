<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Message\Command;

use Spiral\RoadRunner\Message\ControlMessage;
use Spiral\RoadRunner\Payload;

/** The server asks the worker to exit. */
final class WorkerStop extends Payload implements ControlMessage
{
}
