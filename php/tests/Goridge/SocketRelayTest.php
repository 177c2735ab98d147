<?php

declare(strict_types=1);

namespace Rr\Tests\Goridge;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\Vectors;
use Spiral\Goridge\ConnectedRelayInterface;
use Spiral\Goridge\Exception\RelayException;
use Spiral\Goridge\Exception\TransportException;
use Spiral\Goridge\Frame;
use Spiral\Goridge\Relay;
use Spiral\Goridge\SocketRelay;
use Spiral\Goridge\SocketType;

/**
 * @requires extension sockets
 */
final class SocketRelayTest extends TestCase
{
    /** @var resource|null */
    private $server = null;
    private ?string $dir = null;

    protected function tearDown(): void
    {
        if (\is_resource($this->server)) {
            \fclose($this->server);
        }
        if ($this->dir !== null) {
            @\unlink($this->dir . '/rr.sock');
            @\rmdir($this->dir);
        }
    }

    /** @return array{SocketRelay, resource} relay and the server side of its connection */
    private function connectedTcp(): array
    {
        $server = \stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        self::assertIsResource($server, $errstr);
        $this->server = $server;
        $name = (string) \stream_socket_get_name($server, false);
        $port = (int) \substr((string) \strrchr($name, ':'), 1);

        $relay = Relay::create('tcp://127.0.0.1:' . $port);
        self::assertInstanceOf(SocketRelay::class, $relay);
        self::assertTrue($relay->connect());
        $peer = \stream_socket_accept($server, 5);
        self::assertIsResource($peer);
        return [$relay, $peer];
    }

    public function testTcpRelaySendsAndReceivesFrames(): void
    {
        [$relay, $peer] = $this->connectedTcp();
        self::assertInstanceOf(ConnectedRelayInterface::class, $relay);
        self::assertTrue($relay->isConnected());

        $relay->send(new Frame('{"pid":4242}', [], Frame::CONTROL));
        self::assertSame(Vectors::frame('pid_reply'), \fread($peer, 100));

        self::assertFalse($relay->hasFrame());
        \fwrite($peer, Vectors::frame('stop_command'));
        \fflush($peer);
        $frame = $relay->waitFrame();
        self::assertSame(Frame::CONTROL | Frame::CODEC_JSON, $frame->flags);
        self::assertSame('{"stop":true}', $frame->payload);
    }

    public function testHasFrameSeesPendingData(): void
    {
        [$relay, $peer] = $this->connectedTcp();
        \fwrite($peer, Vectors::frame('pong'));

        $deadline = \microtime(true) + 5;
        while (!$relay->hasFrame() && \microtime(true) < $deadline) {
            \usleep(1000);
        }
        self::assertTrue($relay->hasFrame());
        self::assertSame(Frame::BYTE10_PONG, $relay->waitFrame()->byte10);
    }

    public function testPeerCloseIsATransportException(): void
    {
        [$relay, $peer] = $this->connectedTcp();
        \fclose($peer);

        $this->expectException(TransportException::class);
        $relay->waitFrame();
    }

    public function testUnixRelayWorks(): void
    {
        $this->dir = \sys_get_temp_dir() . '/rr-php-' . \bin2hex(\random_bytes(4));
        \mkdir($this->dir);
        $path = $this->dir . '/rr.sock';
        $server = \stream_socket_server('unix://' . $path, $errno, $errstr);
        self::assertIsResource($server, $errstr);
        $this->server = $server;

        $relay = Relay::create('unix://' . $path);
        self::assertInstanceOf(SocketRelay::class, $relay);
        self::assertSame(SocketType::UNIX, $relay->getType());
        $relay->send(new Frame('boom', [], Frame::ERROR)); // connects lazily
        $peer = \stream_socket_accept($server, 5);
        self::assertIsResource($peer);
        self::assertSame(Vectors::frame('error_boom'), \fread($peer, 100));
    }

    public function testConnectFailsAfterRetries(): void
    {
        $server = \stream_socket_server('tcp://127.0.0.1:0');
        self::assertIsResource($server);
        $name = (string) \stream_socket_get_name($server, false);
        \fclose($server); // the port is now (very likely) closed

        $relay = new SocketRelay('127.0.0.1', (int) \substr((string) \strrchr($name, ':'), 1));
        $this->expectException(RelayException::class);
        $relay->connect(2, 10);
    }

    public function testCloneDoesNotShareTheConnection(): void
    {
        [$relay] = $this->connectedTcp();
        $clone = clone $relay;

        self::assertTrue($relay->isConnected());
        self::assertFalse($clone->isConnected());
        $relay->close();
        self::assertFalse($relay->isConnected());
    }
}
