<?php

declare(strict_types=1);

namespace Spiral\Goridge\RPC;

use Spiral\Goridge\Relay;
use Spiral\Goridge\RelayInterface;
use Spiral\Goridge\RPC\Codec\JsonCodec;

/**
 * Synchronous goridge RPC client: one call at a time over one relay.
 *
 * <code>
 * $rpc = RPC::create('tcp://127.0.0.1:6001');
 * $workers = $rpc->call('informer.Workers', 'http');
 * </code>
 */
class RPC extends AbstractRPC
{
    public function __construct(
        private readonly RelayInterface $relay,
        CodecInterface $codec = new JsonCodec(),
    )
    {
        parent::__construct($codec);
    }

    public function call(string $method, mixed $payload, mixed $options = null): mixed
    {
        $seq = self::$seq++;
        $this->relay->send($this->packFrame($this->service($method), $payload, $seq));
        $frame = $this->relay->waitFrame();
        self::checkReply($frame, $seq);
        return $this->decodeResponse($frame, $this->relayName(), $options);
    }

    public static function create(
        string $connection,
        CodecInterface $codec = new JsonCodec(),
    ): RPCInterface
    {
        return new self(Relay::create($connection), $codec);
    }

    private function relayName(): string
    {
        return $this->relay instanceof \Stringable ? (string) $this->relay : $this->relay::class;
    }
}
