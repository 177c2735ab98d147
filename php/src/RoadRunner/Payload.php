<?php

declare(strict_types=1);

namespace Spiral\RoadRunner;

/**
 * One unit of data exchanged with the server: a header ("context") and a body. Immutable.
 *
 * `eos` is false for every frame of a streamed answer except the last one.
 */
class Payload
{
    public readonly string $body;
    public readonly string $header;

    public function __construct(
        ?string $body,
        ?string $header = null,
        public readonly bool $eos = true,
    )
    {
        $this->body = $body ?? '';
        $this->header = $header ?? '';
    }
}
