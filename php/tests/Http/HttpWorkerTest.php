<?php

declare(strict_types=1);

namespace Rr\Tests\Http;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\BlockingTestRelay;
use Rr\Tests\Stub\TestRelay;
use Rr\Tests\Stub\Vectors;
use Spiral\Goridge\Frame;
use Spiral\RoadRunner\Http\Exception\StreamStoppedException;
use Spiral\RoadRunner\Http\HttpWorker;
use Spiral\RoadRunner\Http\Internal\ProtoCodec;
use Spiral\RoadRunner\Http\Request;
use Spiral\RoadRunner\Worker;

final class HttpWorkerTest extends TestCase
{
    public const JSON_CONTEXT = '{"remoteAddr":"127.0.0.1","protocol":"HTTP/1.1","method":"GET",'
        . '"uri":"http://localhost:8080/?a=1","headers":{"Accept":["*/*"]},"cookies":{},'
        . '"rawQuery":"a=1","parsed":false,"uploads":null,"attributes":{}}';

    public static function jsonRequest(
        string $context = self::JSON_CONTEXT,
        string $body = '',
    ): Frame
    {
        return new Frame($context . $body, [\strlen($context)], Frame::CODEC_JSON);
    }

    /** @param array<string, mixed> $ctx */
    public static function protoRequest(array $ctx, string $body = ''): Frame
    {
        $context = ProtoCodec::encodeRequest($ctx);
        return new Frame($context . $body, [\strlen($context)], Frame::CODEC_PROTO);
    }

    private static function stopFrame(): Frame
    {
        $frame = new Frame(null);
        $frame->byte10 = Frame::BYTE10_STOP;
        return $frame;
    }

    public function testDecodesAJsonRequest(): void
    {
        $relay = (new TestRelay())->addFrames(self::jsonRequest());
        $request = (new HttpWorker(new Worker($relay, false)))->waitRequest();

        self::assertInstanceOf(Request::class, $request);
        self::assertSame('127.0.0.1', $request->remoteAddr);
        self::assertSame('HTTP/1.1', $request->protocol);
        self::assertSame('GET', $request->method);
        self::assertSame('http://localhost:8080/?a=1', $request->uri);
        self::assertSame(['Accept' => ['*/*']], $request->headers);
        self::assertSame(['a' => '1'], $request->query);
        self::assertSame([], $request->uploads);
        self::assertSame(['rr_parsed_body' => false], $request->attributes);
    }

    public function testJsonAndProtoGiveTheSameRequest(): void
    {
        $ctx = \json_decode(self::JSON_CONTEXT, true);
        $ctx['cookies'] = ['id' => '42'];
        $ctx['headers']['X-Two'] = ['1', '2'];
        $ctx['attributes'] = ['ipAddress' => '10.1.1.1'];
        $ctx['parsed'] = true;
        $json = \json_encode($ctx);
        $relay = (new TestRelay())->addFrames(
            self::jsonRequest($json, '{"a":"b"}'),
            self::protoRequest($ctx, '{"a":"b"}'),
        );
        $http = new HttpWorker(new Worker($relay, false));

        $fromJson = $http->waitRequest();
        $fromProto = $http->waitRequest();

        self::assertEquals($fromJson, $fromProto);
        self::assertSame(['a' => 'b'], $fromProto?->getParsedBody());
        self::assertSame('10.1.1.1', $fromProto?->getRemoteAddr());
    }

    public function testJsonHeadersWithEmptyOrNumericNamesAreDropped(): void
    {
        $context = '{"headers":{"":["x"],"0":["y"],"Ok":["z"]},"rawQuery":""}';
        $relay = (new TestRelay())->addFrames(self::jsonRequest($context));

        $request = (new HttpWorker(new Worker($relay, false)))->waitRequest();
        self::assertSame(['Ok' => ['z']], $request?->headers);
    }

    public function testEmptyPayloadOrStopEndsTheLoop(): void
    {
        $relay = (new TestRelay())
            ->addFrames(new Frame('', [0]))
            ->addBytes(Vectors::frame('stop_command'));
        $http = new HttpWorker(new Worker($relay, false));

        self::assertNull($http->waitRequest());
        self::assertNull($http->waitRequest());
    }

    public function testRespondsInJsonToAJsonRequest(): void
    {
        $relay = (new TestRelay())->addFrames(self::jsonRequest());
        $http = new HttpWorker(new Worker($relay, false));
        $http->waitRequest();

        $http->respond(200, 'OK');
        $http->respond(201, 'x', ['Content-Type' => ['text/plain'], 'X-Path' => ['/a/b', 'ü']]);

        self::assertSame(Vectors::frame('json_response'), $relay->getReceivedBytes()[0]);
        $second = $relay->getReceived()[1];
        self::assertSame(Frame::CODEC_JSON, $second->flags);
        self::assertSame(
            '{"status":201,"headers":{"Content-Type":["text/plain"],"X-Path":["/a/b","ü"]}}x',
            $second->payload,
        );
    }

    public function testRespondsInProtoToAProtoRequest(): void
    {
        $context = \json_decode(self::JSON_CONTEXT, true);
        $relay = (new TestRelay())->addFrames(self::protoRequest($context));
        $http = new HttpWorker(new Worker($relay, false));
        $http->waitRequest();

        $http->respond(200, 'hello', ['Content-Type' => ['text/plain']], false);

        $expected = Vectors::frame('proto_response_stream_chunk');
        self::assertSame($expected, $relay->getReceivedBytes()[0]);
    }

    public function testRepeatedResponsesEncodeLikeFreshOnes(): void
    {
        $json = \json_decode(self::JSON_CONTEXT, true);
        $relay = (new TestRelay())->addFrames(
            self::jsonRequest(),
            self::jsonRequest(),
            self::protoRequest($json),
            self::jsonRequest(),
        );
        $http = new HttpWorker(new Worker($relay, false));
        $a = ['Content-Type' => ['text/plain'], 'X-Two' => ['1', '2']];
        $b = ['Content-Type' => 'text/plain'];
        $sent = [];
        $send = static function (int $status, array $headers) use ($http, $relay, &$sent): void {
            $http->respond($status, 'x', $headers);
            $frames = $relay->getReceived();
            $sent[] = \end($frames)->payload;
        };

        $http->waitRequest();
        $send(200, $a);
        $send(200, $a);
        $send(201, $a);
        $send(200, $b);
        $send(200, $b);
        $http->waitRequest();
        $send(200, ['X' => [0.0]]);
        $send(200, ['X' => [-0.0]]);
        $send(200, ['X' => '5']);
        $send(200, ['X' => 5]);
        $send(200, []);
        $http->waitRequest();
        $send(200, $a);
        $proto = \end($sent);
        $http->waitRequest();
        $send(200, $a);

        $ctx = '{"status":200,"headers":{"Content-Type":["text/plain"],"X-Two":["1","2"]}}x';
        self::assertSame([
            $ctx,
            $ctx,
            \str_replace('200', '201', $ctx),
            '{"status":200,"headers":{"Content-Type":["text/plain"]}}x',
            '{"status":200,"headers":{"Content-Type":["text/plain"]}}x',
            '{"status":200,"headers":{"X":[0]}}x',
            '{"status":200,"headers":{"X":[-0]}}x',
            '{"status":200,"headers":{"X":["5"]}}x',
            '{"status":200,"headers":{"X":["5"]}}x',
            '{"status":200,"headers":{}}x',
            ProtoCodec::encodeResponse(200, $a) . 'x',
            $ctx,
        ], $sent);
        self::assertSame(ProtoCodec::encodeResponse(200, $a) . 'x', $proto);
    }

    public function testHandshakeAdvertisesCodecs(): void
    {
        $relay = (new TestRelay())
            ->addBytes(Vectors::frame('pid_request'))
            ->addBytes(Vectors::frame('stop_command'));
        $http = new HttpWorker(new Worker($relay, false));

        self::assertNull($http->waitRequest());
        $reply = \json_decode((string) $relay->getReceived()[0]->payload, true);
        self::assertSame(HttpWorker::PREFERRED_CODECS, $reply['codecs']);
    }

    public function testEarlyHintsThenFinalResponse(): void
    {
        $relay = (new TestRelay())->addFrames(self::jsonRequest());
        $http = new HttpWorker(new Worker($relay, false));
        $http->waitRequest();

        $http->respond(103, '', ['Link' => ['</style.css>; rel=preload; as=style']], false);
        $http->respond(200, 'done');

        [$hints, $final] = $relay->getReceived();
        self::assertSame(Frame::BYTE10_STREAM, $hints->byte10);
        self::assertSame(
            '{"status":103,"headers":{"Link":["</style.css>; rel=preload; as=style"]}}',
            $hints->payload,
        );
        self::assertSame(0, $final->byte10);
        self::assertSame('{"status":200,"headers":{}}done', $final->payload);
    }

    public function testInformationalStatusWithBodyIsRefused(): void
    {
        $http = new HttpWorker(new Worker(new TestRelay(), false));

        $this->expectException(\InvalidArgumentException::class);
        $http->respond(103, 'body');
    }

    public function testGeneratorBodyIsStreamedWithTheReturnValueLast(): void
    {
        $relay = (new TestRelay())->addFrames(self::jsonRequest());
        $http = new HttpWorker(new Worker($relay, false));
        $http->waitRequest();

        $http->respond(200, (static function () {
            yield 'a';
            yield 'b';
            return 'end';
        })(), ['X' => ['1']]);

        $frames = $relay->getReceived();
        self::assertCount(3, $frames);
        $head = '{"status":200,"headers":{"X":["1"]}}';
        $payloads = \array_map(static fn (Frame $f) => $f->payload, $frames);
        self::assertSame([$head . 'a', $head . 'b', $head . 'end'], $payloads);
        self::assertSame([1, 1, 0], \array_map(static fn (Frame $f) => $f->byte10, $frames));
        $flags = \array_map(static fn (Frame $f) => $f->flags, $frames);
        self::assertSame([Frame::CODEC_JSON, Frame::CODEC_JSON, Frame::CODEC_JSON], $flags);
    }

    public function testOpenEndedGeneratorWithEmptyReturnSendsNothingMore(): void
    {
        $relay = (new TestRelay())->addFrames(self::jsonRequest());
        $http = new HttpWorker(new Worker($relay, false));
        $http->waitRequest();

        $http->respond(200, (static function () {
            yield 'a';
        })(), [], false);

        self::assertCount(1, $relay->getReceived());
        self::assertSame(Frame::BYTE10_STREAM, $relay->getReceived()[0]->byte10);
    }

    public function testStopFromTheServerIsThrownIntoTheGeneratorAndAcknowledged(): void
    {
        $relay = (new TestRelay())->addFrames(self::jsonRequest());
        $http = new HttpWorker(new Worker($relay, false));
        $http->waitRequest();
        $caught = null;

        $http->respond(200, (static function () use ($relay, &$caught) {
            try {
                yield 'one';
                $relay->addFrames(self::stopFrame()); // the client went away
                yield 'two';
                yield 'three';
            } catch (StreamStoppedException $e) {
                $caught = $e;
            }
        })());

        self::assertInstanceOf(StreamStoppedException::class, $caught);
        self::assertSame('Stream has been stopped by the client.', $caught->getMessage());
        $frames = $relay->getReceived();
        self::assertCount(2, $frames);
        self::assertSame(Frame::BYTE10_STREAM, $frames[0]->byte10);
        self::assertSame(Vectors::frame('stream_ack'), $relay->getReceivedBytes()[1]);
    }

    public function testStopOverPipesIsSeenAfterThePing(): void
    {
        $relay = new BlockingTestRelay();
        $relay->addFrames(self::jsonRequest());
        $relay->onSend(static function (Frame $frame, $relay): void {
            if ($frame->byte10 & Frame::BYTE10_PING) {
                $stop = new Frame(null);
                $stop->byte10 = Frame::BYTE10_STOP;
                $relay->addFrames($stop);
            }
        });
        $http = new HttpWorker(new Worker($relay, false));
        $http->waitRequest();
        $yielded = 0;

        $http->respond(200, (static function () use (&$yielded) {
            while (true) {
                ++$yielded;
                yield 'chunk';
            }
        })());

        $frames = $relay->getReceived();
        self::assertCount(7, $frames, '6 chunks (the 6th with PING), then the acknowledgement');
        self::assertSame(Frame::BYTE10_STREAM | Frame::BYTE10_PING, $frames[5]->byte10);
        self::assertSame(Vectors::frame('stream_ack'), $relay->getReceivedBytes()[6]);
    }

    public function testGeneratorThatThrowsMidStreamIsEndedWithAnEmptyFrame(): void
    {
        $relay = (new TestRelay())->addFrames(self::jsonRequest());
        $http = new HttpWorker(new Worker($relay, false));
        $http->waitRequest();

        $http->respond(200, (static function () {
            yield 'one';
            throw new \RuntimeException('broken');
        })());

        self::assertCount(2, $relay->getReceived());
        self::assertSame(Vectors::frame('stream_ack'), $relay->getReceivedBytes()[1]);
    }

    public function testGeneratorThatThrowsBeforeTheFirstChunkPropagates(): void
    {
        $relay = (new TestRelay())->addFrames(self::jsonRequest());
        $http = new HttpWorker(new Worker($relay, false));
        $http->waitRequest();

        try {
            $http->respond(200, (static function () {
                throw new \RuntimeException('early');
                yield 'never';
            })());
            self::fail('expected the exception');
        } catch (\RuntimeException $e) {
            self::assertSame('early', $e->getMessage());
        }
        self::assertSame([], $relay->getReceived());
    }
}
