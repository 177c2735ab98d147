<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Http\Exception;

/**
 * Thrown into a response generator when the server says the client has gone (STOP frame).
 */
final class StreamStoppedException extends \RuntimeException
{
    public function __construct(
        string $message = 'Stream has been stopped by the client.',
        int $code = 0,
        ?\Throwable $previous = null,
    )
    {
        parent::__construct($message, $code, $previous);
    }
}
