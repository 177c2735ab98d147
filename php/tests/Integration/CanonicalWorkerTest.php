<?php

declare(strict_types=1);

namespace Rr\Tests\Integration;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Http\HttpWorkerTest;
use Rr\Tests\Stub\Vectors;
use Spiral\Goridge\Frame;
use Spiral\Goridge\StreamRelay;
use Spiral\RoadRunner\Http\Internal\ProtoCodec;

/**
 * Plays the server over real pipes (and a TCP socket) against real worker processes.
 */
final class CanonicalWorkerTest extends TestCase
{
    private const CANONICAL = __DIR__ . '/../Fixtures/canonical_worker.php';
    private const NOISY = __DIR__ . '/../Fixtures/noisy_worker.php';

    private static function pidRequest(): Frame
    {
        return new Frame('{"pid":' . \getmypid() . '}', [], Frame::CONTROL | Frame::CODEC_JSON);
    }

    private static function handshake(WorkerProcess $worker): array
    {
        $worker->send(self::pidRequest());
        $reply = $worker->receive();
        self::assertSame(Frame::CONTROL, $reply->flags);
        $json = \json_decode((string) $reply->payload, true, 512, \JSON_THROW_ON_ERROR);
        self::assertSame($worker->pid(), $json['pid']);
        return $json;
    }

    public function testCanonicalWorkerHandshakesAnswersAndExitsOnStop(): void
    {
        $worker = new WorkerProcess(self::CANONICAL);

        $hello = self::handshake($worker);
        self::assertSame(['json', 'proto'], $hello['codecs']);

        $worker->send(HttpWorkerTest::jsonRequest());
        $answer = $worker->receive();
        self::assertSame(Frame::CODEC_JSON, $answer->flags);
        self::assertSame(0, $answer->byte10);
        self::assertSame('{"status":200,"headers":{}}Hello RoadRunner!', $answer->payload);
        self::assertSame([27], $answer->options);

        $context = \json_decode(HttpWorkerTest::JSON_CONTEXT, true);
        $worker->send(HttpWorkerTest::protoRequest($context));
        $answer = $worker->receive();
        self::assertSame(Frame::CODEC_PROTO, $answer->flags);
        $header = \substr((string) $answer->payload, 0, $answer->options[0]);
        self::assertSame([200, []], ProtoCodec::decodeResponse($header));
        $body = \substr((string) $answer->payload, $answer->options[0]);
        self::assertSame('Hello RoadRunner!', $body);

        $stop = Vectors::frame('stop_command');
        $worker->send(Frame::initFrame(Frame::readHeader($stop), \substr($stop, 12)));
        self::assertSame(0, $worker->waitExit());
        self::assertSame('', $worker->stderr());
    }

    public function testBrokenRequestGets400AndTheWorkerCarriesOn(): void
    {
        $worker = new WorkerProcess(self::CANONICAL);
        self::handshake($worker);

        $worker->send(HttpWorkerTest::jsonRequest('{"broken json'));
        self::assertSame('{"status":400,"headers":{}}', $worker->receive()->payload);

        $worker->send(HttpWorkerTest::jsonRequest());
        self::assertStringEndsWith('Hello RoadRunner!', (string) $worker->receive()->payload);

        $worker->send(new Frame('{"stop":true}', [], Frame::CONTROL | Frame::CODEC_JSON));
        self::assertSame(0, $worker->waitExit());
    }

    public function testStdoutOutputGoesToStderrAndNeverCorruptsTheRelay(): void
    {
        $worker = new WorkerProcess(self::NOISY);
        self::handshake($worker);

        for ($i = 0; $i < 3; ++$i) {
            $worker->send(HttpWorkerTest::jsonRequest());
            $answer = $worker->receive();
            $expected = '{"status":200,"headers":{"Content-Type":["text/plain"]}}clean body';
            self::assertSame($expected, $answer->payload);
        }
        $worker->send(new Frame('{"stop":true}', [], Frame::CONTROL | Frame::CODEC_JSON));
        self::assertSame(0, $worker->waitExit());

        $stderr = $worker->stderr();
        self::assertStringContainsString("printed after the worker exists\n", $stderr);
        self::assertStringContainsString("echo during request GET\n", $stderr);
        self::assertStringContainsString("printf 42\n", $stderr);
        self::assertStringContainsString('string(6) "dumped"', $stderr);
        $logLine = '[php info] handled {"uri":"http://localhost:8080/?a=1"}';
        self::assertStringContainsString($logLine, $stderr);
    }

    /**
     * @requires extension sockets
     */
    public function testCanonicalWorkerOverTcp(): void
    {
        $server = \stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        self::assertIsResource($server, $errstr);
        $name = (string) \stream_socket_get_name($server, false);

        $worker = new WorkerProcess(self::CANONICAL, ['RR_RELAY' => 'tcp://' . $name]);
        $conn = \stream_socket_accept($server, 20);
        self::assertIsResource($conn, 'the worker did not connect');
        $worker->useRelay(new StreamRelay($conn, $conn), $conn);

        self::handshake($worker);
        $worker->send(HttpWorkerTest::jsonRequest());
        self::assertStringEndsWith('Hello RoadRunner!', (string) $worker->receive()->payload);
        $worker->send(new Frame('{"stop":true}', [], Frame::CONTROL | Frame::CODEC_JSON));
        self::assertSame(0, $worker->waitExit());
        \fclose($conn);
        \fclose($server);
    }
}
