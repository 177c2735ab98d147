<?php

declare(strict_types=1);

namespace Spiral\Goridge\RPC\Codec;

use Spiral\Goridge\Frame;
use Spiral\Goridge\RPC\CodecInterface;
use Spiral\Goridge\RPC\Exception\CodecException;

final class JsonCodec implements CodecInterface
{
    public function getIndex(): int
    {
        return Frame::CODEC_JSON;
    }

    public function encode(mixed $payload): string
    {
        try {
            return \json_encode($payload, \JSON_THROW_ON_ERROR | \JSON_PRESERVE_ZERO_FRACTION);
        } catch (\JsonException $e) {
            throw new CodecException('Json encode: ' . $e->getMessage(), (int) $e->getCode(), $e);
        }
    }

    /**
     * @param int|null $options json_decode flags; default decodes objects as arrays
     */
    public function decode(string $payload, mixed $options = null): mixed
    {
        try {
            $flags = \is_int($options) ? $options : \JSON_OBJECT_AS_ARRAY;
            return \json_decode($payload, null, 512, $flags | \JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new CodecException('Json decode: ' . $e->getMessage(), (int) $e->getCode(), $e);
        }
    }
}
