<?php

declare(strict_types=1);

namespace Spiral\Goridge\RPC\Codec;

use Spiral\Goridge\Frame;
use Spiral\Goridge\RPC\CodecInterface;
use Spiral\Goridge\RPC\Exception\CodecException;

/**
 * MessagePack through ext-msgpack (msgpack_pack/msgpack_unpack) when it is loaded.
 */
final class MsgpackCodec implements CodecInterface
{
    public function getIndex(): int
    {
        return Frame::CODEC_MSGPACK;
    }

    public function encode(mixed $payload): string
    {
        if (!\function_exists('msgpack_pack')) {
            throw new CodecException('MsgpackCodec requires ext-msgpack');
        }
        return \msgpack_pack($payload);
    }

    public function decode(string $payload, mixed $options = null): mixed
    {
        if (!\function_exists('msgpack_unpack')) {
            throw new CodecException('MsgpackCodec requires ext-msgpack');
        }
        return \msgpack_unpack($payload);
    }
}
