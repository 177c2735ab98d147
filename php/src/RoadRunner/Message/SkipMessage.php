<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Message;

/** A message that waitPayload() swallows (stream STOP or PONG that arrived late). */
interface SkipMessage
{
}
