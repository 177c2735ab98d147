<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Message\Command;

use Spiral\RoadRunner\Message\SkipMessage;
use Spiral\RoadRunner\Payload;

/** The server answers a PING sent inside a stream. */
final class Pong extends Payload implements SkipMessage
{
}
