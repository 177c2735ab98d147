<?php

declare(strict_types=1);

namespace Spiral\Goridge;

use Spiral\Goridge\Exception\RelayException;

/**
 * Moves whole frames between the worker and the server. Not safe for concurrent use.
 */
interface RelayInterface
{
    /**
     * Blocks until one whole frame has been read.
     *
     * @throws RelayException on EOF, a short or broken header, or a transport error
     */
    public function waitFrame(): Frame;

    /**
     * Writes one whole frame.
     *
     * @throws RelayException when the frame cannot be written completely
     */
    public function send(Frame $frame): void;

    /**
     * True when a frame (or at least its first byte) can be read without blocking.
     */
    public function hasFrame(): bool;
}
