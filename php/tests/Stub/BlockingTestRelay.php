<?php

declare(strict_types=1);

namespace Rr\Tests\Stub;

use Spiral\Goridge\BlockingRelayInterface;

/** A TestRelay that, like pipes, cannot be polled cheaply. */
final class BlockingTestRelay extends TestRelay implements BlockingRelayInterface
{
}
