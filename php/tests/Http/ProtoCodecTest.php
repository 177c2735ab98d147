<?php

declare(strict_types=1);

namespace Rr\Tests\Http;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\Vectors;
use Spiral\RoadRunner\Http\Internal\ProtoCodec;
use Spiral\RoadRunner\Http\Request;

final class ProtoCodecTest extends TestCase
{
    /** The example context of PROTOCOL.md §4.2/§4.3. */
    private const CONTEXT = [
        'remoteAddr' => '127.0.0.1',
        'protocol' => 'HTTP/1.1',
        'method' => 'GET',
        'uri' => 'http://localhost:8080/?a=1',
        'headers' => ['Accept' => ['*/*']],
        'cookies' => [],
        'rawQuery' => 'a=1',
        'parsed' => false,
        'uploads' => null,
        'attributes' => [],
    ];

    /** PROTOCOL.md §4.3, field by field. */
    private const GOLDEN_REQUEST = '0a09' . '3132372e302e302e31'        // remote_addr
        . '1208' . '485454502f312e31'                                   // protocol
        . '1a03' . '474554'                                             // method
        . '221a' . '687474703a2f2f6c6f63616c686f73743a383038302f3f613d31' // uri
        . '2a0f' . '0a06' . '416363657074' . '1205' . '0a03' . '2a2f2a' // header Accept: */*
        . '3a03' . '613d31';                                            // raw_query

    private const GOLDEN_RESPONSE = '08c801'              // status 200
        . '121c' . '0a0c' . '436f6e74656e742d54797065'      // entry, key Content-Type
        . '120c' . '0a0a' . '746578742f706c61696e';         // HeaderValue [text/plain]

    public function testEncodesTheGoldenRequestOfTheSpec(): void
    {
        $bytes = ProtoCodec::encodeRequest(self::CONTEXT);

        self::assertSame(76, \strlen($bytes));
        self::assertSame(self::GOLDEN_REQUEST, \bin2hex($bytes));
        self::assertSame(Vectors::payload('proto_request'), $bytes);
    }

    public function testDecodesTheGoldenRequestOfTheSpec(): void
    {
        $request = ProtoCodec::decodeRequest((string) \hex2bin(self::GOLDEN_REQUEST), '');

        self::assertSame('127.0.0.1', $request->remoteAddr);
        self::assertSame('HTTP/1.1', $request->protocol);
        self::assertSame('GET', $request->method);
        self::assertSame('http://localhost:8080/?a=1', $request->uri);
        self::assertSame(['Accept' => ['*/*']], $request->headers);
        self::assertSame([], $request->cookies);
        self::assertSame(['a' => '1'], $request->query);
        self::assertSame([], $request->uploads);
        self::assertSame([Request::PARSED_BODY_ATTRIBUTE_NAME => false], $request->attributes);
        self::assertFalse($request->parsed);
        self::assertSame('', $request->body);
    }

    public function testEncodesTheGoldenResponseOfTheSpec(): void
    {
        $list = ProtoCodec::encodeResponse(200, ['Content-Type' => ['text/plain']]);
        $single = ProtoCodec::encodeResponse(200, ['Content-Type' => 'text/plain']);
        self::assertSame(self::GOLDEN_RESPONSE, \bin2hex($list));
        self::assertSame(self::GOLDEN_RESPONSE, \bin2hex($single));
        $decoded = ProtoCodec::decodeResponse((string) \hex2bin(self::GOLDEN_RESPONSE));
        self::assertSame([200, ['Content-Type' => ['text/plain']]], $decoded);
    }

    public function testResponseSkipsEmptyAndNonScalarValues(): void
    {
        $headers = ['X-Empty' => [], 'X-Obj' => [new \stdClass()], 'X-Int' => [5]];
        $bytes = ProtoCodec::encodeResponse(404, $headers);

        self::assertSame([404, ['X-Int' => ['5']]], ProtoCodec::decodeResponse($bytes));
    }

    public function testRichRequestRoundTrips(): void
    {
        $longValue = \str_repeat('v', 300); // multi-byte varint lengths
        $uploads = ['file' => [
            'name' => 'a.txt',
            'mime' => 'text/plain',
            'size' => 3,
            'error' => 0,
            'tmpName' => '/tmp/upload1',
        ]];
        $ctx = [
            'remoteAddr' => '::1',
            'protocol' => 'HTTP/2.0',
            'method' => 'POST',
            'uri' => 'https://example.com/form?x[]=1&x[]=2',
            'headers' => [
                'Content-Type' => ['multipart/form-data'],
                'X-Many' => ['a', 'b', $longValue],
                '' => ['dropped'],
                '123' => ['dropped'],
            ],
            'cookies' => ['session' => 'abc def', 'theme' => 'dark'],
            'rawQuery' => 'x[]=1&x[]=2',
            'parsed' => true,
            'uploads' => $uploads,
            'attributes' => ['ipAddress' => '10.0.0.1', 'multi' => ['first', 'second']],
        ];

        $request = ProtoCodec::decodeRequest(ProtoCodec::encodeRequest($ctx), '');

        self::assertSame('::1', $request->remoteAddr);
        self::assertSame('HTTP/2.0', $request->protocol);
        self::assertSame('POST', $request->method);
        $headers = ['Content-Type' => ['multipart/form-data'], 'X-Many' => ['a', 'b', $longValue]];
        self::assertSame($headers, $request->headers);
        self::assertSame(['session' => 'abc def', 'theme' => 'dark'], $request->cookies);
        self::assertSame(['x' => ['1', '2']], $request->query);
        self::assertSame($uploads, $request->uploads);
        $attributes = ['ipAddress' => '10.0.0.1', 'multi' => 'first', 'rr_parsed_body' => true];
        self::assertSame($attributes, $request->attributes);
        self::assertSame('10.0.0.1', $request->getRemoteAddr());
        self::assertTrue($request->parsed);
        self::assertSame('{}', $request->body, 'a parsed request with an empty body gets {}');
        self::assertSame([], $request->getParsedBody());
    }

    public function testCookieWithSeveralValuesIsJoinedWithComma(): void
    {
        // cookies: {"c": ["1", "2"]} built by hand: entry = key "c", HeaderValue ["1","2"]
        $hv = "\x0A\x011\x0A\x012";
        $entry = "\x0A\x01c\x12" . \chr(\strlen($hv)) . $hv;
        $request = ProtoCodec::decodeRequest("\x32" . \chr(\strlen($entry)) . $entry, '');

        self::assertSame(['c' => '1,2'], $request->cookies);
    }

    public function testUnknownFieldsAreSkipped(): void
    {
        $unknown = "\x58\x96\x01"          // field 11 varint 150
            . "\x62\x03abc"                // field 12 bytes
            . "\x6D\x01\x02\x03\x04"       // field 13 fixed32
            . "\x71" . \str_repeat("\x00", 8) // field 14 fixed64
            . "\xA2\x06\x01z";             // field 100 bytes (two-byte tag)
        $request = ProtoCodec::decodeRequest($unknown . "\x1A\x03PUT", 'payload');

        self::assertSame('PUT', $request->method);
        self::assertSame('payload', $request->body);
    }

    /** @return iterable<string, array{string}> */
    public function truncated(): iterable
    {
        yield 'length past the end' => ["\x0A\x09127.0"];
        yield 'missing length' => ["\x0A"];
        yield 'broken varint' => ["\x40\x80"];
        yield 'map entry past the end' => ["\x2A\x05\x0A\x09abc"];
        yield 'wire type 3' => ["\x0B"];
        yield 'negative length' => ["\x0A\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01abc"];
        $minusOne = "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01";
        yield 'negative length in a map entry' => ["\x2A\x0D\x0A" . $minusOne . 'ab'];
        yield 'negative length of an unknown field' => ["\x62" . $minusOne];
    }

    /** @dataProvider truncated */
    public function testMalformedInputIsRejected(string $bytes): void
    {
        $this->expectException(\UnexpectedValueException::class);
        ProtoCodec::decodeRequest($bytes, '');
    }

    public function testEveryPrefixAndRandomMutationDecodesOrFailsCleanly(): void
    {
        $full = ProtoCodec::encodeRequest([
            'remoteAddr' => '127.0.0.1',
            'protocol' => 'HTTP/1.1',
            'method' => 'POST',
            'uri' => 'http://h/?q=1',
            'headers' => ['A' => ['1', '22'], 'Long' => [\str_repeat('x', 200)]],
            'cookies' => ['c' => 'v'],
            'rawQuery' => 'q=1', 'parsed' => true, 'attributes' => ['k' => 'v'],
        ]);
        \mt_srand(20261127);
        $inputs = [];
        for ($i = 0; $i <= \strlen($full); ++$i) {
            $inputs[] = \substr($full, 0, $i);
        }
        for ($i = 0; $i < 2000; ++$i) {
            $bytes = $full;
            for ($flips = \mt_rand(1, 3); $flips > 0; --$flips) {
                $bytes[\mt_rand(0, \strlen($bytes) - 1)] = \chr(\mt_rand(0, 255));
            }
            $inputs[] = $bytes;
        }

        $decoded = 0;
        foreach ($inputs as $bytes) {
            try {
                ProtoCodec::decodeRequest($bytes, '');
                ++$decoded;
            } catch (\UnexpectedValueException | \JsonException) {
                // a clean refusal; warnings or other errors would fail the test
            }
        }
        self::assertGreaterThan(0, $decoded);
    }

    public function testVarints(): void
    {
        self::assertSame("\x00", ProtoCodec::varint(0));
        self::assertSame("\x7F", ProtoCodec::varint(127));
        self::assertSame("\x80\x01", ProtoCodec::varint(128));
        self::assertSame("\xC8\x01", ProtoCodec::varint(200));
        self::assertSame("\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01", ProtoCodec::varint(-1));
    }
}
