<?php

declare(strict_types=1);

namespace Spiral\Goridge\RPC;

use Spiral\Goridge\RPC\Exception\CodecException;

interface CodecInterface
{
    /** The frame flag of this codec (Frame::CODEC_*). */
    public function getIndex(): int;

    /** @throws CodecException */
    public function encode(mixed $payload): string;

    /** @throws CodecException */
    public function decode(string $payload, mixed $options = null): mixed;
}
