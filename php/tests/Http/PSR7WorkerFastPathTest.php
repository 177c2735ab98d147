<?php

declare(strict_types=1);

namespace Rr\Tests\Http;

use Nyholm\Psr7\Factory\Psr17Factory;
use PHPUnit\Framework\TestCase;
use Psr\Http\Message\ServerRequestInterface;
use Psr\Http\Message\StreamInterface;
use Rr\Tests\Stub\TestRelay;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Http\Request;
use Spiral\RoadRunner\Worker;

/**
 * PSR7Worker builds nyholm requests with its constructor (fast path) when both factories are
 * exactly nyholm's Psr17Factory, and through the PSR-17 calls (generic path) otherwise. A
 * subclass of Psr17Factory that overrides nothing forces the generic path with the same
 * factory code, so both results must be the same object state, down to private properties and
 * their order, or the same exception.
 */
final class PSR7WorkerFastPathTest extends TestCase
{
    /** @var list<string> */
    private static array $tmpFiles = [];

    public static function tearDownAfterClass(): void
    {
        foreach (self::$tmpFiles as $f) {
            @\unlink($f);
        }
    }

    private static function mapper(bool $fast): MappingPSR7Worker
    {
        $factory = $fast ? new Psr17Factory() : new class extends Psr17Factory {
        };
        $worker = new Worker(new TestRelay(), false);
        return new MappingPSR7Worker($worker, $factory, $factory, $factory);
    }

    private static function tmpFile(string $content): string
    {
        $path = \tempnam(\sys_get_temp_dir(), 'rr-fast-');
        \file_put_contents($path, $content);
        self::$tmpFiles[] = $path;
        return $path;
    }

    /**
     * @param array<array-key, mixed> $headers
     * @param array<string, mixed> $over
     */
    private static function request(string $uri, array $headers = [], array $over = []): Request
    {
        $parsed = $over['parsed'] ?? false;
        return new Request(
            $over['remoteAddr'] ?? '127.0.0.1',
            $over['protocol'] ?? 'HTTP/1.1',
            $over['method'] ?? 'GET',
            $uri,
            $headers,
            $over['cookies'] ?? [],
            $over['uploads'] ?? [],
            ($over['attributes'] ?? []) + [Request::PARSED_BODY_ATTRIBUTE_NAME => $parsed],
            $over['query'] ?? [],
            $over['body'] ?? '',
            $parsed,
        );
    }

    /** @return iterable<string, array{\Closure(): Request, bool}> request, fast path expected */
    public function requests(): iterable
    {
        yield 'wrk GET /' => [fn () => self::request('http://127.0.0.1:8080/'), true];
        yield 'browser GET' => [fn () => self::request(
            'http://localhost:8080/catalog/items?page=2&sort=price&filter[color]=red',
            [
                'Accept' => ['text/html,application/xhtml+xml;q=0.9,*/*;q=0.8'],
                'Accept-Encoding' => ['gzip, deflate, br'],
                'Cookie' => ['session=0123; theme=dark'],
                'User-Agent' => ['Mozilla/5.0 (X11; Linux x86_64)'],
                'X-Multi' => ['1', ' 2 ', "\t3"],
            ],
            [
                'cookies' => ['session' => '0123', 'theme' => 'dark'],
                'query' => ['page' => '2', 'sort' => 'price', 'filter' => ['color' => 'red']],
                'attributes' => ['ipAddress' => '10.0.0.9', 'n' => 5],
            ],
        ), true];
        yield 'form POST, HTTP/2.0, https default port' => [fn () => self::request(
            'https://Example.COM:443/form',
            ['Content-Type' => ['application/x-www-form-urlencoded']],
            ['method' => 'POST', 'protocol' => 'HTTP/2.0', 'parsed' => true,
                'body' => '{"a":{"b":"c"},"d":["1","2"]}'],
        ), true];
        yield 'raw body, HTTP/1.0' => [fn () => self::request(
            'http://h:81/raw',
            ['Content-Type' => ['application/json'], 'Content-Length' => ['7']],
            ['method' => 'PUT', 'protocol' => 'HTTP/1.0', 'body' => '{"x":1}'],
        ), true];
        $tmp = self::tmpFile('abc');
        yield 'uploads' => [fn () => self::request(
            'http://localhost/upload',
            ['Content-Type' => ['multipart/form-data; boundary=x']],
            [
                'method' => 'POST',
                'parsed' => true,
                'body' => '{"title":"t"}',
                'uploads' => [
                    'file' => ['name' => 'a.txt', 'mime' => 'text/plain', 'size' => 3,
                        'error' => 0, 'tmpName' => $tmp],
                    'more' => [
                        ['name' => 'b.bin', 'mime' => '', 'size' => 0, 'error' => 4,
                            'tmpName' => ''],
                    ],
                ],
            ],
        ), true];
        yield 'unknown protocol' => [
            fn () => self::request('http://x/', [], ['protocol' => 'HTTP/3.0']),
            true,
        ];
        yield 'IPv6 host and port' => [fn () => self::request('http://[::1]:8080/a'), true];
        yield 'user info' => [fn () => self::request('http://u:p@host:8080/a?b#c'), true];
        yield 'numeric header name' => [fn () => self::request('http://x/', [123 => ['v']]), true];
        yield 'no host in the URI' => [
            fn () => self::request('/just/a/path?x=1', ['A' => ['1']]),
            true,
        ];
        yield 'no host in the URI, Host header' => [
            fn () => self::request('/p', ['A' => ['1'], 'Host' => ['h']]),
            false,
        ];
        yield 'Host header' => [
            fn () => self::request('http://x/', ['A' => ['1'], 'Host' => ['y']]),
            false,
        ];
        yield 'lower-case host header' => [
            fn () => self::request('http://x:1/', ['host' => ['y']]),
            false,
        ];
        yield 'names equal ignoring case' => [
            fn () => self::request('http://x/', ['X-A' => ['1'], 'B' => ['2'], 'x-a' => ['3']]),
            false,
        ];
        yield 'host nyholm would not validate' => [fn () => self::request('http://a b/'), true];
        yield 'host nyholm would not validate, headers' => [
            fn () => self::request('http://a b/', ['A' => ['1']]),
            false,
        ];
        yield 'invalid header name' => [
            fn () => self::request('http://x/', ['Bad Name' => ['1']]),
            true,
        ];
        yield 'invalid header value' => [
            fn () => self::request('http://x/', ['A' => ["a\x01b"]]),
            true,
        ];
        yield 'empty header value list' => [fn () => self::request('http://x/', ['A' => []]), true];
        yield 'invalid header and invalid parsed body' => [fn () => self::request(
            'http://x/',
            ['Bad Name' => ['1']],
            ['parsed' => true, 'body' => 'not json'],
        ), true];
        yield 'invalid parsed body' => [
            fn () => self::request('http://x/', [], ['parsed' => true, 'body' => 'not json']),
            true,
        ];
        yield 'missing upload file and invalid header' => [fn () => self::request(
            'http://x/',
            ['Bad Name' => ['1']],
            ['uploads' => ['f' => ['name' => 'a', 'error' => 0, 'tmpName' => '/nonexistent/rr']]],
        ), true];
        yield 'URI parse_url rejects' => [fn () => self::request('http:///x'), true];
    }

    /**
     * @dataProvider requests
     * @param \Closure(): Request $make
     */
    public function testFastPathGivesTheSameRequestAsTheFactoryPath(\Closure $make): void
    {
        $server = ['SCRIPT_NAME' => 'x.php', 'REQUEST_URI' => 'u'];
        $generic = self::outcome(self::mapper(false), $make(), $server);
        $fastPath = self::outcome(self::mapper(true), $make(), $server);

        self::assertSame($generic, $fastPath);
    }

    /**
     * @dataProvider requests
     * @param \Closure(): Request $make
     */
    public function testFastPathIsTakenWhenItCanBe(\Closure $make, bool $fast): void
    {
        $mapper = self::mapper(true);
        try {
            $first = $mapper->map($make(), []);
            $second = $mapper->map($make(), []);
        } catch (\Throwable) {
            $this->expectNotToPerformAssertions();
            return;
        }
        // The fast path reuses the Uri of the previous request with the same URI string.
        self::assertSame($fast, $first->getUri() === $second->getUri());
    }

    public function testUriIsParsedAgainWhenItChanges(): void
    {
        $mapper = self::mapper(true);
        $a = $mapper->map(self::request('http://a:8080/x'), []);
        $b = $mapper->map(self::request('http://b/y'), []);
        $c = $mapper->map(self::request('http://b/y'), []);

        self::assertSame('http://a:8080/x', (string) $a->getUri());
        self::assertSame('a:8080', $a->getHeaderLine('Host'));
        self::assertSame('http://b/y', (string) $b->getUri());
        self::assertSame(['Host' => ['b']], $b->getHeaders());
        self::assertSame($b->getUri(), $c->getUri());
    }

    public function testAnotherFactoryTakesTheGenericPath(): void
    {
        $nyholm = new Psr17Factory();
        $other = new class extends Psr17Factory {
        };
        $worker = new Worker(new TestRelay(), false);
        $mapper = new MappingPSR7Worker($worker, $nyholm, $other, $nyholm);
        $r = self::request('http://x/', [], ['body' => 'b']);

        self::assertNotSame($mapper->map($r, [])->getUri(), $mapper->map($r, [])->getUri());
    }

    /**
     * The request's whole state (class, every property in order, stream contents) or the
     * exception's class and message.
     *
     * @param array<array-key, mixed> $server
     */
    private static function outcome(MappingPSR7Worker $mapper, Request $r, array $server): mixed
    {
        try {
            return self::state($mapper->map($r, $server));
        } catch (\Throwable $e) {
            return ['exception' => $e::class, 'message' => $e->getMessage()];
        }
    }

    private static function state(mixed $value): mixed
    {
        if ($value instanceof StreamInterface) {
            $value->rewind();
            return ['@stream' => $value::class, 'contents' => $value->getContents(),
                'size' => $value->getSize(), 'meta' => $value->getMetadata('uri')];
        }
        if (\is_object($value)) {
            $out = ['@class' => $value::class];
            foreach ((array) $value as $name => $prop) {
                $out[$name] = self::state($prop);
            }
            return $out;
        }
        if (\is_array($value)) {
            $out = [];
            foreach ($value as $k => $v) {
                $out[$k] = self::state($v);
            }
            return $out;
        }
        return \is_resource($value) ? 'resource' : $value;
    }
}

/** Exposes PSR7Worker::mapRequest() to the test. */
final class MappingPSR7Worker extends PSR7Worker
{
    /** @param array<array-key, mixed> $server */
    public function map(Request $request, array $server): ServerRequestInterface
    {
        return $this->mapRequest($request, $server);
    }
}
