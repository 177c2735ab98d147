<?php

declare(strict_types=1);

namespace Spiral\Goridge\RPC\Codec;

use Spiral\Goridge\Frame;
use Spiral\Goridge\RPC\CodecInterface;
use Spiral\Goridge\RPC\Exception\CodecException;

/**
 * Protobuf messages of google/protobuf (or ext-protobuf), which the application must provide;
 * this library itself does not depend on them.
 */
final class ProtobufCodec implements CodecInterface
{
    private const MESSAGE = 'Google\\Protobuf\\Internal\\Message';

    public function getIndex(): int
    {
        return Frame::CODEC_PROTO;
    }

    /**
     * @param object $payload a protobuf message
     */
    public function encode(mixed $payload): string
    {
        if (!\is_object($payload) || !\is_a($payload, self::MESSAGE)) {
            throw new CodecException('ProtobufCodec can only encode protobuf messages');
        }
        /** @psalm-suppress UndefinedMethod */
        return $payload->serializeToString();
    }

    /**
     * @param class-string|object|null $options the message class (or an instance) to decode into
     */
    public function decode(string $payload, mixed $options = null): mixed
    {
        if ($options === null) {
            return $payload;
        }
        if (\is_string($options)) {
            if (!\class_exists($options) || !\is_a($options, self::MESSAGE, true)) {
                throw new CodecException('Unknown protobuf message class ' . $options);
            }
            $options = new $options();
        }
        if (!\is_object($options) || !\is_a($options, self::MESSAGE)) {
            throw new CodecException('ProtobufCodec decodes into protobuf messages only');
        }
        try {
            /** @psalm-suppress UndefinedMethod */
            $options->mergeFromString($payload);
        } catch (\Throwable $e) {
            throw new CodecException('Protobuf decode: ' . $e->getMessage(), 0, $e);
        }
        return $options;
    }
}
