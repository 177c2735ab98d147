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
