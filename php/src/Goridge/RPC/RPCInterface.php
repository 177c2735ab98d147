<?php

declare(strict_types=1);

namespace Spiral\Goridge\RPC;

use Spiral\Goridge\Exception\GoridgeException;
use Spiral\Goridge\RPC\Exception\RPCException;
use Spiral\Goridge\RPC\Exception\ServiceException;

interface RPCInterface
{
    /**
     * A copy that prefixes method names: withServicePrefix('informer')->call('workers', ..)
     * calls `informer.Workers`.
     */
    public function withServicePrefix(string $service): self;

    /** A copy that encodes requests and decodes replies with $codec. */
    public function withCodec(CodecInterface $codec): self;

    /**
     * Calls a remote method and waits for its reply.
     *
     * @throws ServiceException when the method returned an error
     * @throws RPCException for a malformed reply
     * @throws GoridgeException on a transport error
     */
    public function call(string $method, mixed $payload, mixed $options = null): mixed;
}
