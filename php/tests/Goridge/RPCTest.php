<?php

declare(strict_types=1);

namespace Rr\Tests\Goridge;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\TestRelay;
use Rr\Tests\Stub\Vectors;
use Spiral\Goridge\Frame;
use Spiral\Goridge\RPC\AbstractRPC;
use Spiral\Goridge\RPC\Codec\JsonCodec;
use Spiral\Goridge\RPC\Codec\MsgpackCodec;
use Spiral\Goridge\RPC\Codec\ProtobufCodec;
use Spiral\Goridge\RPC\Codec\RawCodec;
use Spiral\Goridge\RPC\Exception\CodecException;
use Spiral\Goridge\RPC\Exception\RPCException;
use Spiral\Goridge\RPC\Exception\ServiceException;
use Spiral\Goridge\RPC\RPC;

final class RPCTest extends TestCase
{
    private static function setSeq(int $seq): void
    {
        $prop = new \ReflectionProperty(AbstractRPC::class, 'seq');
        $prop->setAccessible(true);
        $prop->setValue(null, $seq);
    }

    /** Answers every request with $reply under the request's own seq. */
    private static function echoingRelay(string $reply, int $flags = Frame::CODEC_JSON): TestRelay
    {
        $relay = new TestRelay();
        $answer = static function (Frame $req, TestRelay $relay) use ($reply, $flags): void {
            $method = \substr((string) $req->payload, 0, $req->options[1]);
            $options = [$req->options[0], \strlen($method)];
            $relay->addFrames(new Frame($method . $reply, $options, $flags));
        };
        return $relay->onSend($answer);
    }

    public function testRequestFrameMatchesTheGoldenVector(): void
    {
        self::setSeq(1);
        $relay = self::echoingRelay('{"workers":[]}');
        $rpc = new RPC($relay);

        self::assertSame(['workers' => []], $rpc->call('informer.Workers', 'http'));
        self::assertSame(Vectors::frame('rpc_request'), $relay->getReceivedBytes()[0]);
    }

    public function testSequenceGrowsAndServicePrefixCapitalises(): void
    {
        self::setSeq(10);
        $relay = self::echoingRelay('true');
        $rpc = (new RPC($relay))->withServicePrefix('resetter');

        self::assertTrue($rpc->call('reset', 'http'));
        self::assertTrue($rpc->call('list', true));
        $sent = $relay->getReceived();
        self::assertSame([10, 14], $sent[0]->options);
        self::assertSame('resetter.Reset"http"', $sent[0]->payload);
        self::assertSame(11, $sent[1]->options[0]);
        self::assertSame('resetter.Listtrue', $sent[1]->payload);
    }

    public function testErrorReplyIsAServiceException(): void
    {
        $relay = self::echoingRelay('no such plugin: foo', Frame::CODEC_JSON | Frame::ERROR);

        $this->expectException(ServiceException::class);
        $this->expectExceptionMessage("Error 'no such plugin: foo'");
        (new RPC($relay))->call('resetter.Reset', 'foo');
    }

    public function testSequenceMismatchIsAnRPCException(): void
    {
        self::setSeq(5);
        $relay = (new TestRelay())->addFrames(new Frame('m' . 'true', [99, 1], Frame::CODEC_JSON));

        $this->expectException(RPCException::class);
        $this->expectExceptionMessage('sequence mismatch');
        (new RPC($relay))->call('m', true);
    }

    public function testMissingOptionsIsAnRPCException(): void
    {
        $relay = (new TestRelay())->addFrames(new Frame('true', [], Frame::CODEC_JSON));

        $this->expectException(RPCException::class);
        (new RPC($relay))->call('m', true);
    }

    public function testRawCodecSendsBytesWithTheRawFlag(): void
    {
        $relay = self::echoingRelay("\x00\x01bin", Frame::CODEC_RAW);
        $rpc = (new RPC($relay))->withCodec(new RawCodec());

        self::assertSame("\x00\x01bin", $rpc->call('svc.Bytes', 'abc'));
        self::assertSame(Frame::CODEC_RAW, $relay->getReceived()[0]->flags);
    }

    public function testRawCodecRefusesNonStrings(): void
    {
        $this->expectException(CodecException::class);
        (new RawCodec())->encode(['x']);
    }

    public function testJsonCodecKeepsZeroFractionsAndDecodesObjectsAsArrays(): void
    {
        $codec = new JsonCodec();

        self::assertSame(Frame::CODEC_JSON, $codec->getIndex());
        self::assertSame('{"a":1.0}', $codec->encode(['a' => 1.0]));
        self::assertSame(['a' => ['b' => 1]], $codec->decode('{"a":{"b":1}}'));
        $this->expectException(CodecException::class);
        $codec->decode('{broken');
    }

    public function testOptionalCodecsReportTheirFlagsAndRefuseWhatTheyCannotHandle(): void
    {
        self::assertSame(Frame::CODEC_PROTO, (new ProtobufCodec())->getIndex());
        self::assertSame(Frame::CODEC_MSGPACK, (new MsgpackCodec())->getIndex());
        self::assertSame('raw', (new ProtobufCodec())->decode('raw'));

        $this->expectException(CodecException::class);
        (new ProtobufCodec())->encode(['not a message']);
    }
}
