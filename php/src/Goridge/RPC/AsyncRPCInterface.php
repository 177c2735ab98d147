<?php

declare(strict_types=1);

namespace Spiral\Goridge\RPC;

use Spiral\Goridge\Exception\GoridgeException;
use Spiral\Goridge\RPC\Exception\RPCException;
use Spiral\Goridge\RPC\Exception\ServiceException;

/**
 * An RPC client that can have several calls in flight (spiral/goridge 4.2's interface).
 */
interface AsyncRPCInterface extends RPCInterface
{
    /**
     * Sends the call and does not wait; its reply (or error) is read and dropped later.
     *
     * @throws GoridgeException on a transport error
     */
    public function callIgnoreResponse(string $method, mixed $payload): void;

    /**
     * Sends the call and does not wait.
     *
     * @return positive-int the call's sequence number, for hasResponse() and getResponse()
     * @throws GoridgeException on a transport error
     */
    public function callAsync(string $method, mixed $payload): int;

    /** Whether the reply to $seq has arrived (never blocks). */
    public function hasResponse(int $seq): bool;

    /**
     * The sequence numbers among $seqs whose replies have arrived (never blocks).
     *
     * @param list<int> $seqs
     * @return list<int>
     */
    public function hasAnyResponse(array $seqs): array;

    /**
     * The reply to $seq, waiting for it if needed.
     *
     * @throws RPCException for an unknown $seq or a malformed reply
     * @throws ServiceException when the method returned an error
     */
    public function getResponse(int $seq, mixed $options = null): mixed;
}
