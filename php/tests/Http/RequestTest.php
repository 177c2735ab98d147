<?php

declare(strict_types=1);

namespace Rr\Tests\Http;

use PHPUnit\Framework\TestCase;
use Spiral\RoadRunner\Http\Request;

final class RequestTest extends TestCase
{
    public function testDefaults(): void
    {
        $request = new Request();

        self::assertSame('127.0.0.1', $request->remoteAddr);
        self::assertSame('HTTP/1.0', $request->protocol);
        self::assertSame('GET', $request->method);
        self::assertSame('http://localhost', $request->uri);
        self::assertSame('', $request->body);
        self::assertFalse($request->parsed);
        self::assertNull($request->getParsedBody());
    }

    public function testRemoteAddrPrefersTheIpAddressAttribute(): void
    {
        self::assertSame('1.2.3.4', (new Request(remoteAddr: '1.2.3.4'))->getRemoteAddr());
        $proxied = new Request(remoteAddr: '1.2.3.4', attributes: ['ipAddress' => '5.6.7.8']);
        self::assertSame('5.6.7.8', $proxied->getRemoteAddr());
    }

    public function testParsedBodyIsDecodedOnlyWhenParsed(): void
    {
        $parsed = new Request(body: '{"a":{"b":"1"}}', parsed: true);
        self::assertSame(['a' => ['b' => '1']], $parsed->getParsedBody());
        self::assertNull((new Request(body: '{"a":1}'))->getParsedBody());

        $this->expectException(\JsonException::class);
        (new Request(body: 'not json', parsed: true))->getParsedBody();
    }
}
