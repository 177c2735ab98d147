<?php

declare(strict_types=1);

namespace Spiral\Goridge;

use Spiral\Goridge\Exception\HeaderException;
use Spiral\Goridge\Exception\InvalidArgumentException;
use Spiral\Goridge\Exception\TransportException;

/**
 * Frames over two PHP streams, normally STDIN (from the server) and STDOUT (to the server).
 *
 * Each frame is written with as few fwrite() calls as the stream allows (one for pipes up to
 * the pipe buffer). Reading stops with a TransportException on EOF instead of spinning.
 */
class StreamRelay extends Relay implements BlockingRelayInterface
{
    /** @var resource */
    public $in;

    /** @var resource */
    private $out;

    /**
     * @param resource $in readable stream
     * @param resource $out writable stream
     * @throws InvalidArgumentException when an argument is not a stream or has the wrong mode
     */
    public function __construct($in, $out)
    {
        if (!\is_resource($in) || \get_resource_type($in) !== 'stream') {
            throw new InvalidArgumentException('expected a valid `in` stream resource');
        }
        if (!self::isReadable($in)) {
            throw new InvalidArgumentException('resource `in` must be readable');
        }
        if (!\is_resource($out) || \get_resource_type($out) !== 'stream') {
            throw new InvalidArgumentException('expected a valid `out` stream resource');
        }
        if (!self::isWritable($out)) {
            throw new InvalidArgumentException('resource `out` must be writable');
        }
        $this->in = $in;
        $this->out = $out;
    }

    public function waitFrame(): Frame
    {
        $header = \fread($this->in, Frame::HEADER_SIZE);
        if ($header === false || \strlen($header) !== Frame::HEADER_SIZE) {
            if ($header !== false && $header !== '') {
                $header .= $this->readExactly(Frame::HEADER_SIZE - \strlen($header));
            } else {
                throw new HeaderException('Unable to read frame header: Incorrect header size');
            }
        }

        // Frame::readHeader() + Frame::initFrame() inlined for the per-request path: the same
        // frame without the intermediate array and calls.
        $optionBytes = ((\ord($header[0]) & 0x0F) - 3) * 4;
        if ($optionBytes < 0) {
            try {
                Frame::readHeader($header);
            } catch (InvalidArgumentException $e) {
                throw new HeaderException(
                    'Unable to read frame header: ' . $e->getMessage(),
                    0,
                    $e,
                );
            }
        }
        $length = $optionBytes + \unpack('V', $header, 2)[1];
        if ($length === 0) {
            $frame = new Frame('', [], \ord($header[1]));
        } else {
            $body = \fread($this->in, $length);
            if ($body === false || \strlen($body) !== $length) {
                $body = $this->readRest($body === false ? '' : $body, $length);
            }
            if ($optionBytes === 4) {
                $frame = new Frame(\substr($body, 4), [\unpack('V', $body)[1]], \ord($header[1]));
            } elseif ($optionBytes === 0) {
                $frame = new Frame($body, [], \ord($header[1]));
            } else {
                $frame = new Frame(
                    \substr($body, $optionBytes),
                    \array_values(\unpack('V*', \substr($body, 0, $optionBytes))),
                    \ord($header[1]),
                );
            }
        }
        $frame->byte10 = \ord($header[10]);
        $frame->byte11 = \ord($header[11]);
        return $frame;
    }

    public function send(Frame $frame): void
    {
        $data = Frame::packFrame($frame);
        $written = \fwrite($this->out, $data);
        if ($written === \strlen($data)) {
            return;
        }
        $total = \strlen($data);
        $done = $written === false ? 0 : $written;
        while ($done < $total) {
            $written = \fwrite($this->out, \substr($data, $done));
            if ($written === false || $written === 0) {
                throw new TransportException('Unable to write payload to the stream');
            }
            $done += $written;
        }
    }

    public function hasFrame(): bool
    {
        $read = [$this->in];
        $write = null;
        $except = null;
        $ready = @\stream_select($read, $write, $except, 0, 0);
        return $ready !== false && $ready > 0;
    }

    /**
     * Blocks until exactly $length bytes have been read from $in.
     *
     * @throws TransportException on EOF or a read error
     */
    private function readExactly(int $length): string
    {
        $data = \fread($this->in, $length);
        if ($data !== false && \strlen($data) === $length) {
            return $data;
        }
        return $this->readRest($data === false ? '' : $data, $length);
    }

    /**
     * Reads on after a short read until $data is $length bytes long.
     *
     * @throws TransportException on EOF or a read error
     */
    private function readRest(string $data, int $length): string
    {
        while (\strlen($data) < $length) {
            $chunk = \fread($this->in, $length - \strlen($data));
            if ($chunk === false || ($chunk === '' && \feof($this->in))) {
                throw new TransportException('Unable to read from the stream: end of stream');
            }
            $data .= $chunk;
        }
        return $data;
    }

    /** @param resource $stream */
    private static function isReadable($stream): bool
    {
        $mode = \stream_get_meta_data($stream)['mode'];
        return \str_contains($mode, 'r') || \str_contains($mode, '+');
    }

    /** @param resource $stream */
    private static function isWritable($stream): bool
    {
        $mode = \stream_get_meta_data($stream)['mode'];
        return \strpbrk($mode, 'waxc+') !== false;
    }
}
