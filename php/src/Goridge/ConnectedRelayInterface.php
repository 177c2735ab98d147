<?php

declare(strict_types=1);

namespace Spiral\Goridge;

/**
 * A relay over a connection that can be opened and closed explicitly.
 */
interface ConnectedRelayInterface extends RelayInterface
{
    public function isConnected(): bool;

    /**
     * @throws Exception\RelayException when the connection cannot be established
     */
    public function connect(): bool;

    public function close(): void;

    /**
     * A clone never shares the connection of its original.
     */
    public function __clone();
}
