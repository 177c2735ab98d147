<?php

declare(strict_types=1);

namespace Rr\Tests\Goridge;

use PHPUnit\Framework\TestCase;
use Spiral\Goridge\Exception\RelayFactoryException;
use Spiral\Goridge\Relay;
use Spiral\Goridge\SocketRelay;
use Spiral\Goridge\SocketType;
use Spiral\Goridge\StreamRelay;

final class RelayTest extends TestCase
{
    public function testPipesMeansStdinAndStdout(): void
    {
        $relay = Relay::create('pipes');

        self::assertInstanceOf(StreamRelay::class, $relay);
        self::assertSame(\STDIN, $relay->in);
    }

    public function testPipesWithNamedStreams(): void
    {
        self::assertInstanceOf(StreamRelay::class, Relay::create('pipes://stdin:stdout'));
    }

    public function testTcpAddressGivesHostAndPort(): void
    {
        $relay = Relay::create('tcp://127.0.0.1:6001');

        self::assertInstanceOf(SocketRelay::class, $relay);
        self::assertSame('127.0.0.1', $relay->getAddress());
        self::assertSame(6001, $relay->getPort());
        self::assertSame(SocketType::TCP, $relay->getType());
        self::assertSame('tcp://127.0.0.1:6001', (string) $relay);
        self::assertFalse($relay->isConnected());
    }

    public function testTcpHostNameIsAccepted(): void
    {
        $relay = Relay::create('tcp://localhost:7000');

        self::assertInstanceOf(SocketRelay::class, $relay);
        self::assertSame('localhost', $relay->getAddress());
    }

    public function testUnixAddressGivesPath(): void
    {
        $relay = Relay::create('unix:///tmp/rr.sock');

        self::assertInstanceOf(SocketRelay::class, $relay);
        self::assertSame('/tmp/rr.sock', $relay->getAddress());
        self::assertNull($relay->getPort());
        self::assertSame(SocketType::UNIX, $relay->getType());
        self::assertSame('unix:///tmp/rr.sock', (string) $relay);
    }

    public function testRelativeUnixPathIsAccepted(): void
    {
        $relay = Relay::create('unix://rr.sock');

        self::assertInstanceOf(SocketRelay::class, $relay);
        self::assertSame('rr.sock', $relay->getAddress());
    }

    /** @return iterable<string, array{string}> */
    public function unsupported(): iterable
    {
        yield 'empty host' => ['tcp://:6001'];
        yield 'ipv6 literal' => ['tcp://[::1]:6001'];
        yield 'tcp without port' => ['tcp://127.0.0.1'];
        yield 'non numeric port' => ['tcp://127.0.0.1:http'];
        yield 'unknown scheme' => ['udp://127.0.0.1:6001'];
        yield 'garbage' => ['nonsense'];
        yield 'empty' => [''];
    }

    /** @dataProvider unsupported */
    public function testUnsupportedAddressesAreRefused(string $address): void
    {
        $this->expectException(RelayFactoryException::class);
        Relay::create($address);
    }
}
