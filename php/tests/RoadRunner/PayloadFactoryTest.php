<?php

declare(strict_types=1);

namespace Rr\Tests\RoadRunner;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\Vectors;
use Spiral\Goridge\Frame;
use Spiral\RoadRunner\Message\Command\GetProcessId;
use Spiral\RoadRunner\Message\Command\Pong;
use Spiral\RoadRunner\Message\Command\StreamStop;
use Spiral\RoadRunner\Message\Command\WorkerStop;
use Spiral\RoadRunner\Message\ControlMessage;
use Spiral\RoadRunner\Message\SkipMessage;
use Spiral\RoadRunner\Payload;
use Spiral\RoadRunner\PayloadFactory;

final class PayloadFactoryTest extends TestCase
{
    private static function golden(string $name): Frame
    {
        $bytes = Vectors::frame($name);
        return Frame::initFrame(Frame::readHeader($bytes), \substr($bytes, 12));
    }

    public function testClassifiesGoldenFrames(): void
    {
        $pid = PayloadFactory::fromFrame(self::golden('pid_request'));
        self::assertInstanceOf(GetProcessId::class, $pid);
        self::assertInstanceOf(ControlMessage::class, $pid);
        $workerStop = PayloadFactory::fromFrame(self::golden('stop_command'));
        self::assertInstanceOf(WorkerStop::class, $workerStop);
        $stop = PayloadFactory::fromFrame(self::golden('stream_stop'));
        self::assertInstanceOf(StreamStop::class, $stop);
        self::assertInstanceOf(SkipMessage::class, $stop);
        self::assertInstanceOf(Pong::class, PayloadFactory::fromFrame(self::golden('pong')));
    }

    public function testDataFrameIsSplitAtTheFirstOption(): void
    {
        $payload = PayloadFactory::fromFrame(self::golden('proto_request'));

        self::assertSame(Payload::class, $payload::class);
        self::assertSame(Vectors::payload('proto_request'), $payload->header);
        self::assertSame('', $payload->body);
    }

    public function testStopWinsOverPidWhenBothAreSet(): void
    {
        $frame = new Frame('{"pid":1,"stop":true}', [], Frame::CONTROL);

        self::assertInstanceOf(WorkerStop::class, PayloadFactory::fromFrame($frame));
    }

    public function testPayloadDefaults(): void
    {
        $payload = new Payload(null);

        self::assertSame('', $payload->body);
        self::assertSame('', $payload->header);
        self::assertTrue($payload->eos);
    }
}
