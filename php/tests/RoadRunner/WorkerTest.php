<?php

declare(strict_types=1);

namespace Rr\Tests\RoadRunner;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\BlockingTestRelay;
use Rr\Tests\Stub\TestRelay;
use Rr\Tests\Stub\Vectors;
use Spiral\Goridge\Exception\TransportException;
use Spiral\Goridge\Frame;
use Spiral\RoadRunner\Environment;
use Spiral\RoadRunner\Exception\RoadRunnerException;
use Spiral\RoadRunner\Logger;
use Spiral\RoadRunner\Message\Command\StreamStop;
use Spiral\RoadRunner\Payload;
use Spiral\RoadRunner\PayloadFactory;
use Spiral\RoadRunner\Worker;

final class WorkerTest extends TestCase
{
    private static function stopFrame(): Frame
    {
        $frame = new Frame(null);
        $frame->byte10 = Frame::BYTE10_STOP;
        return $frame;
    }

    private static function pongFrame(): Frame
    {
        $frame = new Frame(null);
        $frame->byte10 = Frame::BYTE10_PONG;
        return $frame;
    }

    public function testHandshakeAnswersPidAndReturnsTheFirstPayload(): void
    {
        $relay = (new TestRelay())
            ->addBytes(Vectors::frame('pid_request'))
            ->addFrames(new Frame('ctxbody', [3], Frame::CODEC_JSON));
        $worker = new Worker($relay, false);

        $payload = $worker->waitPayload();

        self::assertNotNull($payload);
        self::assertSame('ctx', $payload->header);
        self::assertSame('body', $payload->body);
        self::assertTrue($payload->eos);
        $reply = $relay->getReceived();
        self::assertCount(1, $reply);
        self::assertSame(Frame::CONTROL, $reply[0]->flags);
        self::assertSame([], $reply[0]->options);
        self::assertSame('{"pid":' . \getmypid() . '}', $reply[0]->payload);
    }

    public function testDataFramesGiveWhatPayloadFactoryGives(): void
    {
        $frames = [
            new Frame('whole body'),
            new Frame('whole body', [0], Frame::CODEC_JSON),
            new Frame('ctxbody', [3], Frame::CODEC_PROTO),
            new Frame('ctx', [3], Frame::CODEC_RAW),
            new Frame(null, [], Frame::ERROR),
            new Frame('ab', [1, 9], Frame::CODEC_JSON),
        ];
        $stream = new Frame('cb', [1]);
        $stream->byte10 = Frame::BYTE10_STREAM | Frame::BYTE10_PING;
        $frames[] = $stream;
        $relay = (new TestRelay())->addFrames(...$frames);
        $worker = new Worker($relay, false);

        foreach ($frames as $frame) {
            $expected = PayloadFactory::fromFrame($frame);
            self::assertSame(Payload::class, $expected::class);
            $actual = $worker->waitPayload();
            self::assertSame(\var_export($expected, true), \var_export($actual, true));
        }
    }

    public function testHandshakeReplyIsByteExactForAGivenPid(): void
    {
        $relay = (new TestRelay())
            ->addBytes(Vectors::frame('pid_request'))
            ->addBytes(Vectors::frame('stop_command'));
        (new Worker($relay, false))->waitPayload();

        $expected = new Frame('{"pid":' . \getmypid() . '}', [], Frame::CONTROL);
        self::assertSame(Frame::packFrame($expected), $relay->getReceivedBytes()[0]);
    }

    public function testAdvertisedCodecsAreAddedToThePidReply(): void
    {
        $relay = (new TestRelay())
            ->addBytes(Vectors::frame('pid_request'))
            ->addBytes(Vectors::frame('stop_command'));
        $worker = new Worker($relay, false);
        $worker->advertiseCodecs('json', 'proto');

        self::assertNull($worker->waitPayload());
        $reply = \json_decode((string) $relay->getReceived()[0]->payload, true);
        self::assertSame(['pid' => \getmypid(), 'codecs' => ['json', 'proto']], $reply);
    }

    public function testStopCommandEndsTheLoop(): void
    {
        $relay = (new TestRelay())->addBytes(Vectors::frame('stop_command'));

        self::assertNull((new Worker($relay, false))->waitPayload());
        self::assertSame([], $relay->getReceived());
    }

    public function testLateStopAndPongFramesAreSkipped(): void
    {
        $relay = (new TestRelay())
            ->addFrames(self::stopFrame(), self::pongFrame(), new Frame('hdrB', [3]));

        $payload = (new Worker($relay, false))->waitPayload();

        self::assertNotNull($payload);
        self::assertSame('B', $payload->body);
    }

    public function testUnknownControlMessageIsAnError(): void
    {
        $relay = (new TestRelay())->addFrames(new Frame('{"hello":1}', [], Frame::CONTROL));

        $this->expectException(RoadRunnerException::class);
        $this->expectExceptionMessage('undefined control package');
        (new Worker($relay, false))->waitPayload();
    }

    public function testControlMessageThatIsNotJsonIsAnError(): void
    {
        $relay = (new TestRelay())->addFrames(new Frame('{nope', [], Frame::CONTROL));

        $this->expectException(RoadRunnerException::class);
        (new Worker($relay, false))->waitPayload();
    }

    public function testRespondSendsContextLengthOptionAndCodec(): void
    {
        $relay = new TestRelay();
        $worker = new Worker($relay, false);

        $worker->respond(new Payload('OK', '{"status":200,"headers":{}}'), Frame::CODEC_JSON);
        $worker->respond(new Payload(''));

        self::assertSame(Vectors::frame('json_response'), $relay->getReceivedBytes()[0]);
        self::assertSame(Vectors::frame('stream_ack'), $relay->getReceivedBytes()[1]);
    }

    public function testRespondWithoutEosSetsStream(): void
    {
        $relay = new TestRelay();
        $header = \hex2bin('08c801121c0a0c436f6e74656e742d54797065120c0a0a746578742f706c61696e');

        $worker = new Worker($relay, false);
        $worker->respond(new Payload('hello', $header, false), Frame::CODEC_PROTO);

        $expected = Vectors::frame('proto_response_stream_chunk');
        self::assertSame($expected, $relay->getReceivedBytes()[0]);
    }

    public function testErrorSendsAnErrorFrame(): void
    {
        $relay = new TestRelay();

        (new Worker($relay, false))->error('boom');

        self::assertSame(Vectors::frame('error_boom'), $relay->getReceivedBytes()[0]);
    }

    public function testStopAsksTheServerForARestart(): void
    {
        $relay = new TestRelay();

        (new Worker($relay, false))->stop();

        self::assertSame(Vectors::frame('worker_stop_request'), $relay->getReceivedBytes()[0]);
    }

    public function testSendFailureIsATransportException(): void
    {
        $relay = new class extends TestRelay {
            public function send(Frame $frame): void
            {
                throw new \Spiral\Goridge\Exception\RelayException('pipe closed');
            }
        };

        $this->expectException(TransportException::class);
        (new Worker($relay, false))->error('x');
    }

    public function testGetPayloadFindsAStreamStopOnAPollableRelay(): void
    {
        $relay = (new TestRelay())->addFrames(self::stopFrame());
        $worker = (new Worker($relay, false))->withStreamMode();

        self::assertTrue($worker->hasPayload(StreamStop::class));
        self::assertInstanceOf(StreamStop::class, $worker->getPayload(StreamStop::class));
        self::assertNull($worker->getPayload(StreamStop::class));
    }

    public function testPayloadsPulledWhileLookingAreKeptInOrder(): void
    {
        $relay = (new TestRelay())->addFrames(new Frame('h1b1', [2]), self::stopFrame());
        $worker = new Worker($relay, false);

        self::assertInstanceOf(StreamStop::class, $worker->getPayload(StreamStop::class));
        self::assertTrue($worker->hasPayload());
        $payload = $worker->getPayload();
        self::assertNotNull($payload);
        self::assertSame('b1', $payload->body);
        self::assertFalse($worker->hasPayload());
    }

    public function testQueuedPayloadIsReturnedByWaitPayloadFirst(): void
    {
        $relay = (new TestRelay())->addFrames(new Frame('h1b1', [2]), new Frame('h2b2', [2]));
        $worker = new Worker($relay, false);

        self::assertTrue($worker->hasPayload(Payload::class));
        self::assertSame('b1', $worker->waitPayload()?->body);
        self::assertSame('b2', $worker->waitPayload()?->body);
    }

    public function testBlockingRelayIsNotReadOutsideStreams(): void
    {
        $relay = (new BlockingTestRelay())->addFrames(new Frame('hb', [1]));
        $worker = new Worker($relay, false);

        self::assertFalse($worker->hasPayload());
        self::assertSame(1, $relay->pendingCount());
    }

    public function testStreamModePingsEveryFiveFramesOnABlockingRelay(): void
    {
        $relay = new BlockingTestRelay();
        $worker = (new Worker($relay, false))->withStreamMode();

        for ($i = 0; $i < 12; ++$i) {
            $worker->hasPayload(StreamStop::class);
            $worker->respond(new Payload('chunk', '', false));
        }

        $pings = [];
        foreach ($relay->getReceived() as $n => $frame) {
            self::assertSame(Frame::BYTE10_STREAM, $frame->byte10 & Frame::BYTE10_STREAM);
            if ($frame->byte10 & Frame::BYTE10_PING) {
                $pings[] = $n;
            }
        }
        // After frame 5 the next frame pings; no PONG ever comes, so no more pings.
        self::assertSame([5], $pings);
    }

    public function testPongReArmsThePingSchedule(): void
    {
        $relay = new BlockingTestRelay();
        $relay->onSend(static function (Frame $frame, TestRelay $relay): void {
            if ($frame->byte10 & Frame::BYTE10_PING) {
                $pong = new Frame(null);
                $pong->byte10 = Frame::BYTE10_PONG;
                $relay->addFrames($pong);
            }
        });
        $worker = (new Worker($relay, false))->withStreamMode();

        for ($i = 0; $i < 16; ++$i) {
            self::assertNull($worker->getPayload(StreamStop::class));
            $worker->respond(new Payload('chunk', '', false));
        }
        $worker->respond(new Payload('last', ''));

        $pings = [];
        foreach ($relay->getReceived() as $n => $frame) {
            if ($frame->byte10 & Frame::BYTE10_PING) {
                $pings[] = $n;
            }
        }
        self::assertSame([5, 10, 15], $pings);
        $last = $relay->getReceived()[16];
        self::assertSame(0, $last->byte10, 'the last frame has neither STREAM nor PING');
        // The PONG for the last PING is still queued; the main loop skips it.
        self::assertSame(1, $relay->pendingCount());
        $relay->addBytes(Vectors::frame('stop_command'));
        self::assertNull($worker->waitPayload());
    }

    public function testStopArrivingAfterAPingIsFoundOnABlockingRelay(): void
    {
        $relay = new BlockingTestRelay();
        $relay->onSend(static function (Frame $frame, TestRelay $relay): void {
            if ($frame->byte10 & Frame::BYTE10_PING) {
                // The client went away: the server sends STOP and does not answer PINGs.
                $stop = new Frame(null);
                $stop->byte10 = Frame::BYTE10_STOP;
                $relay->addFrames($stop);
            }
        });
        $worker = (new Worker($relay, false))->withStreamMode();

        $sent = 0;
        while ($worker->getPayload(StreamStop::class) === null) {
            $worker->respond(new Payload('chunk', '', false));
            self::assertLessThan(20, ++$sent);
        }
        self::assertSame(6, $sent);
    }

    public function testStreamModeIsACopy(): void
    {
        $relay = new TestRelay();
        $worker = new Worker($relay, false);

        self::assertNotSame($worker, $worker->withStreamMode());
    }

    public function testCreateFromEnvironmentUsesTheRelayAddress(): void
    {
        $worker = Worker::createFromEnvironment(new Environment(['RR_RELAY' => 'pipes']), false);

        self::assertInstanceOf(Logger::class, $worker->getLogger());
    }
}
