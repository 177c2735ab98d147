<?php

declare(strict_types=1);

namespace Rr\Tests\Goridge;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\Vectors;
use Spiral\Goridge\BlockingRelayInterface;
use Spiral\Goridge\Exception\HeaderException;
use Spiral\Goridge\Exception\InvalidArgumentException;
use Spiral\Goridge\Exception\TransportException;
use Spiral\Goridge\Frame;
use Spiral\Goridge\StreamRelay;

final class StreamRelayTest extends TestCase
{
    /** @var list<resource> */
    private array $streams = [];

    protected function tearDown(): void
    {
        foreach ($this->streams as $s) {
            if (\is_resource($s)) {
                \fclose($s);
            }
        }
    }

    /** @return array{resource, resource} */
    private function pair(): array
    {
        $pair = \stream_socket_pair(\STREAM_PF_UNIX, \STREAM_SOCK_STREAM, \STREAM_IPPROTO_IP);
        self::assertIsArray($pair);
        \array_push($this->streams, ...$pair);
        return $pair;
    }

    public function testIsBlocking(): void
    {
        [$a, $b] = $this->pair();

        self::assertInstanceOf(BlockingRelayInterface::class, new StreamRelay($a, $b));
    }

    public function testSendWritesExactWireBytes(): void
    {
        [$peer, $mine] = $this->pair();
        $relay = new StreamRelay($mine, $mine);

        $relay->send(new Frame('boom', [], Frame::ERROR));

        self::assertSame(Vectors::frame('error_boom'), \fread($peer, 100));
    }

    public function testWaitFrameReadsAFrameWrittenInPieces(): void
    {
        [$peer, $mine] = $this->pair();
        $relay = new StreamRelay($mine, $mine);
        $bytes = Vectors::frame('proto_request');

        \fwrite($peer, \substr($bytes, 0, 5));
        \fwrite($peer, \substr($bytes, 5, 10));
        \fwrite($peer, \substr($bytes, 15));
        $frame = $relay->waitFrame();

        self::assertSame(Frame::CODEC_PROTO, $frame->flags);
        self::assertSame([76], $frame->options);
        self::assertSame(Vectors::payload('proto_request'), $frame->payload);
    }

    /** @return iterable<string, array{string}> wire bytes */
    public function wireFrames(): iterable
    {
        foreach (Vectors::all() as $name => $_) {
            yield $name => [Vectors::frame($name)];
        }
        $frames = [
            'no options, empty payload' => new Frame(''),
            'no options' => new Frame('abc', [], Frame::CODEC_RAW),
            'one option, empty payload' => new Frame('', [0], Frame::CODEC_JSON),
            'one option, all header' => new Frame('ctx', [3], Frame::CODEC_PROTO),
            'three options' => new Frame('xyz', [1, 0xFFFFFFFF, 7], Frame::ERROR),
            'byte10 and byte11' => (static function (): Frame {
                $f = new Frame('p', [1], 0xFF);
                $f->byte10 = Frame::BYTE10_STREAM | Frame::BYTE10_PING;
                $f->byte11 = 0xAB;
                return $f;
            })(),
        ];
        foreach ($frames as $name => $frame) {
            yield $name => [Frame::packFrame($frame)];
        }
    }

    /** @dataProvider wireFrames */
    public function testWaitFrameGivesWhatReadHeaderAndInitFrameGive(string $bytes): void
    {
        [$peer, $mine] = $this->pair();
        $relay = new StreamRelay($mine, $mine);
        \fwrite($peer, $bytes . $bytes);

        $expected = Frame::initFrame(Frame::readHeader($bytes), \substr($bytes, 12));
        $export = \var_export($expected, true);
        self::assertSame($export, \var_export($relay->waitFrame(), true));
        self::assertSame($export, \var_export($relay->waitFrame(), true));
        self::assertSame($bytes, Frame::packFrame($expected));
    }

    public function testHeaderLengthBelowThreeIsAHeaderException(): void
    {
        [$peer, $mine] = $this->pair();
        $relay = new StreamRelay($mine, $mine);
        \fwrite($peer, "\x12" . \str_repeat("\0", 11));

        try {
            $relay->waitFrame();
            self::fail('no exception');
        } catch (HeaderException $e) {
            self::assertSame(
                'Unable to read frame header: Invalid frame header length: 2',
                $e->getMessage(),
            );
            self::assertInstanceOf(InvalidArgumentException::class, $e->getPrevious());
        }
    }

    public function testLargeFramesRoundTrip(): void
    {
        [$peer, $mine] = $this->pair();
        $sender = new StreamRelay($mine, $mine);
        $receiver = new StreamRelay($peer, $peer);
        $payload = \random_bytes(100);

        // Interleave: write a small frame, then read it, to avoid filling the socket buffer.
        for ($i = 0; $i < 3; ++$i) {
            $sender->send(new Frame($payload . $i, [3], Frame::CODEC_JSON));
            $frame = $receiver->waitFrame();
            self::assertSame($payload . $i, $frame->payload);
            self::assertSame([3], $frame->options);
        }
    }

    public function testHasFrameIsFalseUntilDataArrives(): void
    {
        [$peer, $mine] = $this->pair();
        $relay = new StreamRelay($mine, $mine);

        self::assertFalse($relay->hasFrame());
        \fwrite($peer, Vectors::frame('pong'));
        self::assertTrue($relay->hasFrame());
        self::assertSame(Frame::BYTE10_PONG, $relay->waitFrame()->byte10);
        self::assertFalse($relay->hasFrame());
    }

    public function testEofBeforeHeaderIsAHeaderException(): void
    {
        [$peer, $mine] = $this->pair();
        $relay = new StreamRelay($mine, $mine);
        \fclose($peer);

        $this->expectException(HeaderException::class);
        $relay->waitFrame();
    }

    public function testEofInsidePayloadIsATransportExceptionNotASpin(): void
    {
        [$peer, $mine] = $this->pair();
        $relay = new StreamRelay($mine, $mine);
        \fwrite($peer, \substr(Vectors::frame('pid_request'), 0, 16));
        \fclose($peer);

        $this->expectException(TransportException::class);
        $relay->waitFrame();
    }

    public function testRejectsNonStreams(): void
    {
        $this->expectException(InvalidArgumentException::class);
        /** @psalm-suppress InvalidArgument */
        new StreamRelay('nope', \STDOUT);
    }

    public function testRejectsReadOnlyOutput(): void
    {
        $in = \fopen('php://memory', 'rb');
        $this->streams[] = $in;

        $this->expectException(InvalidArgumentException::class);
        new StreamRelay(\STDIN, $in);
    }
}
