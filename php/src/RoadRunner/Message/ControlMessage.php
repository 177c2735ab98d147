<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Message;

/** A message the server sends to drive the worker (handshake, stop). Never returned to apps. */
interface ControlMessage
{
}
