<?php

declare(strict_types=1);

namespace Spiral\Goridge\RPC;

use Spiral\Goridge\Frame;
use Spiral\Goridge\RPC\Exception\RPCException;
use Spiral\Goridge\RPC\Exception\ServiceException;

/**
 * Shared parts of the RPC clients: service prefix, codec, sequence numbers and reply decoding
 * (PROTOCOL.md §5.2).
 */
abstract class AbstractRPC implements RPCInterface
{
    /** Process-wide request sequence; the server echoes it in options[0]. */
    protected static int $seq = 1;

    protected ?string $service = null;

    public function __construct(protected CodecInterface $codec)
    {
    }

    public function withServicePrefix(string $service): self
    {
        $rpc = clone $this;
        $rpc->service = $service;
        return $rpc;
    }

    public function withCodec(CodecInterface $codec): self
    {
        $rpc = clone $this;
        $rpc->codec = $codec;
        return $rpc;
    }

    protected function service(string $method): string
    {
        if ($this->service === null) {
            return $method;
        }
        return $this->service . '.' . \ucfirst($method);
    }

    protected function packFrame(string $method, mixed $payload, int $seq): Frame
    {
        $body = $this->codec->encode($payload);
        $frame = new Frame($method . $body, [$seq, \strlen($method)], $this->codec->getIndex());
        return $frame;
    }

    /**
     * @throws RPCException|ServiceException
     */
    protected function decodeResponse(Frame $frame, string $relay, mixed $options = null): mixed
    {
        $body = \substr((string) $frame->payload, (int) $frame->options[1]);
        if (($frame->flags & Frame::ERROR) !== 0) {
            throw new ServiceException(\sprintf("Error '%s' on %s", $body, $relay));
        }
        return $this->codec->decode($body, $options);
    }

    /**
     * @throws RPCException when the reply lacks its two options or answers another request
     */
    protected static function checkReply(Frame $frame, int $seq): void
    {
        if (\count($frame->options) !== 2) {
            throw new RPCException('Invalid RPC frame, options missing');
        }
        if ($frame->options[0] !== $seq) {
            throw new RPCException('Invalid RPC frame, sequence mismatch');
        }
    }
}
