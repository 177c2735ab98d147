<?php

declare(strict_types=1);

namespace Spiral\Goridge;

use Spiral\Goridge\Exception\InvalidArgumentException;

/**
 * One goridge protocol-v1 frame: 12-byte header, option words, payload (PROTOCOL.md §1).
 *
 * All integers are written little-endian whatever the host order. The header CRC covers bytes
 * 0..5 and is computed at pack time, after the option count is final. Readers do not check it
 * (as upstream PHP).
 */
final class Frame
{
    public const VERSION = 0x01;

    public const CONTROL = 0x01;
    public const CODEC_RAW = 0x04;
    public const CODEC_JSON = 0x08;
    public const CODEC_MSGPACK = 0x10;
    public const CODEC_GOB = 0x20;
    public const ERROR = 0x40;
    public const CODEC_PROTO = 0x80;

    public const BYTE10_STREAM = 0x01;
    public const BYTE10_STOP = 0x02;
    public const BYTE10_PING = 0x04;
    public const BYTE10_PONG = 0x08;

    /** Size of the fixed header in bytes. */
    public const HEADER_SIZE = 12;

    public ?string $payload;

    /** @var list<int> option words (uint32) */
    public array $options;

    public int $flags;
    public int $byte10 = 0;
    public int $byte11 = 0;

    /**
     * @param list<int> $options
     */
    public function __construct(?string $payload, array $options = [], int $flags = 0)
    {
        $this->payload = $payload;
        $this->options = $options;
        $this->flags = $flags;
    }

    /**
     * @throws InvalidArgumentException when a flag does not fit in one byte
     */
    public function setFlag(int ...$flag): void
    {
        foreach ($flag as $f) {
            if ($f > 255 || $f < 0) {
                throw new InvalidArgumentException('Flags can be byte only');
            }
            $this->flags |= $f;
        }
    }

    public function hasFlag(int $flag): bool
    {
        return ($this->flags & $flag) === $flag;
    }

    public function setOptions(int ...$options): void
    {
        $this->options = \array_values($options);
    }

    /**
     * Serialises a frame to its exact wire bytes.
     *
     * @internal
     */
    public static function packFrame(self $frame): string
    {
        $payload = $frame->payload ?? '';
        $options = $frame->options;
        $optionCount = \count($options);
        $byte0 = (self::VERSION << 4) | (3 + $optionCount);
        $head = \pack('CCV', $byte0, $frame->flags, \strlen($payload));
        if ($optionCount === 1) {
            // The common case (a request or response with a context): one pack() for the rest.
            $crc = \crc32($head);
            return $head . \pack('VCCV', $crc, $frame->byte10, $frame->byte11, $options[0])
                . $payload;
        }
        $head .= \pack('VCC', \crc32($head), $frame->byte10, $frame->byte11);
        if ($optionCount === 0) {
            return $head . $payload;
        }
        return $head . \pack('V*', ...$options) . $payload;
    }

    /**
     * Parses the 12-byte fixed header.
     *
     * @internal
     * @return array{0: int, 1: int, 2: int, 3: int, 4: int}
     *         [flags, option word count, payload length, byte10, byte11]
     * @throws InvalidArgumentException when the header is shorter than 12 bytes or declares
     *         fewer than 3 header words
     */
    public static function readHeader(string $header): array
    {
        if (\strlen($header) < self::HEADER_SIZE) {
            throw new InvalidArgumentException('Frame header must be 12 bytes long');
        }
        $hl = \ord($header[0]) & 0x0F;
        if ($hl < 3) {
            throw new InvalidArgumentException('Invalid frame header length: ' . $hl);
        }
        return [
            \ord($header[1]),
            $hl - 3,
            \unpack('V', $header, 2)[1],
            \ord($header[10]),
            \ord($header[11]),
        ];
    }

    /**
     * Builds a frame from a parsed header and the bytes that follow it (options ‖ payload).
     *
     * @internal
     * @param array{0: int, 1: int, 2: int, 3: int, 4: int} $header result of {@see readHeader()}
     */
    public static function initFrame(array $header, string $body): self
    {
        $optionBytes = $header[1] * 4;
        if ($optionBytes === 0) {
            $frame = new self($body, [], $header[0]);
        } else {
            $frame = new self(
                \substr($body, $optionBytes),
                \array_values(\unpack('V*', \substr($body, 0, $optionBytes))),
                $header[0],
            );
        }
        $frame->byte10 = $header[3];
        $frame->byte11 = $header[4];
        return $frame;
    }
}
