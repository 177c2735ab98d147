<?php

declare(strict_types=1);

namespace Spiral\RoadRunner;

use Spiral\Goridge\Frame;
use Spiral\RoadRunner\Exception\RoadRunnerException;
use Spiral\RoadRunner\Message\Command\GetProcessId;
use Spiral\RoadRunner\Message\Command\Pong;
use Spiral\RoadRunner\Message\Command\StreamStop;
use Spiral\RoadRunner\Message\Command\WorkerStop;

/**
 * Classifies an incoming frame (PROTOCOL.md §3.8): CONTROL → WorkerStop / GetProcessId;
 * byte10 STOP → StreamStop; byte10 PONG → Pong; anything else → a plain Payload split at
 * options[0].
 */
final class PayloadFactory
{
    /**
     * @throws RoadRunnerException for a CONTROL frame that is not valid JSON or not a known command
     */
    public static function fromFrame(Frame $frame): Payload
    {
        if (($frame->flags & Frame::CONTROL) !== 0) {
            return self::control($frame->payload ?? '');
        }
        if (($frame->byte10 & Frame::BYTE10_STOP) !== 0) {
            return new StreamStop($frame->payload, null);
        }
        if (($frame->byte10 & Frame::BYTE10_PONG) !== 0) {
            return new Pong($frame->payload, null);
        }

        $payload = $frame->payload ?? '';
        $split = $frame->options[0] ?? 0;
        if ($split === 0) {
            return new Payload($payload, '');
        }
        return new Payload(\substr($payload, $split), \substr($payload, 0, $split));
    }

    private static function control(string $json): Payload
    {
        try {
            $command = \json_decode($json, true, 512, \JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new RoadRunnerException(
                'Invalid task header, JSON payload is expected: ' . $e->getMessage(),
            );
        }
        if (!\is_array($command)) {
            throw new RoadRunnerException('Invalid task header, JSON payload is expected');
        }
        if (!empty($command['stop'])) {
            return new WorkerStop(null, $json);
        }
        if (!empty($command['pid'])) {
            return new GetProcessId(null, $json);
        }
        throw new RoadRunnerException('Invalid task header, undefined control package');
    }
}
