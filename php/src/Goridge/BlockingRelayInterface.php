<?php

declare(strict_types=1);

namespace Spiral\Goridge;

/**
 * Marker for relays that cannot poll cheaply for incoming frames (pipes). Workers use PING/PONG
 * inside streams instead of polling on every chunk.
 */
interface BlockingRelayInterface extends RelayInterface
{
}
