<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Message\Command;

use Spiral\RoadRunner\Message\SkipMessage;
use Spiral\RoadRunner\Payload;

/** The server asks the worker to stop the stream it is producing. */
final class StreamStop extends Payload implements SkipMessage
{
}
