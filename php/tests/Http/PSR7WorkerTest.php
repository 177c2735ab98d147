<?php

declare(strict_types=1);

namespace Rr\Tests\Http;

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Nyholm\Psr7\Stream;
use PHPUnit\Framework\TestCase;
use Psr\Http\Message\StreamInterface;
use Psr\Http\Message\UploadedFileInterface;
use Rr\Tests\Stub\TestRelay;
use Rr\Tests\Stub\Vectors;
use Spiral\Goridge\Frame;
use Spiral\RoadRunner\Http\HttpWorker;
use Spiral\RoadRunner\Http\Internal\ProtoCodec;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

final class PSR7WorkerTest extends TestCase
{
    /** @var array<array-key, mixed> */
    private array $savedServer = [];

    /** @var list<string> */
    private array $tmpFiles = [];

    protected function setUp(): void
    {
        $this->savedServer = $_SERVER;
    }

    protected function tearDown(): void
    {
        $_SERVER = $this->savedServer;
        foreach ($this->tmpFiles as $f) {
            @\unlink($f);
        }
    }

    private static function psr7(TestRelay $relay): PSR7Worker
    {
        $factory = new Psr17Factory();
        return new PSR7Worker(new Worker($relay, false), $factory, $factory, $factory);
    }

    /** @return array<string, mixed> */
    private static function context(array $overrides = []): array
    {
        return \array_replace(\json_decode(HttpWorkerTest::JSON_CONTEXT, true), $overrides);
    }

    /** @return iterable<string, array{bool}> */
    public function codecs(): iterable
    {
        yield 'json' => [false];
        yield 'proto' => [true];
    }

    private static function frame(bool $proto, array $ctx, string $body = ''): Frame
    {
        return $proto
            ? HttpWorkerTest::protoRequest($ctx, $body)
            : HttpWorkerTest::jsonRequest(\json_encode($ctx), $body);
    }

    /** @dataProvider codecs */
    public function testBuildsAServerRequest(bool $proto): void
    {
        $ctx = self::context([
            'method' => 'POST',
            'protocol' => 'HTTP/2.0',
            'uri' => 'https://example.com:8443/path/x?a=1&b[]=2&b[]=3',
            'rawQuery' => 'a=1&b[]=2&b[]=3',
            'headers' => [
                'Content-Type' => ['text/plain'],
                'Content-Length' => ['4'],
                'X-Multi' => ['1', '2'],
                'User-Agent' => ['test/1'],
            ],
            'cookies' => ['sid' => 'abc'],
            'attributes' => ['ipAddress' => '10.0.0.9'],
        ]);
        $relay = (new TestRelay())->addFrames(self::frame($proto, $ctx, 'body'));
        $_SERVER['FROM_BOOT'] = 'kept';
        $psr7 = self::psr7($relay);
        $_SERVER['AFTER_BOOT'] = 'dropped';

        $request = $psr7->waitRequest();

        self::assertNotNull($request);
        self::assertSame('POST', $request->getMethod());
        self::assertSame('2', $request->getProtocolVersion());
        $uri = (string) $request->getUri();
        self::assertSame('https://example.com:8443/path/x?a=1&b%5B%5D=2&b%5B%5D=3', $uri);
        self::assertSame('example.com:8443', $request->getHeaderLine('Host'));
        self::assertSame(['a' => '1', 'b' => ['2', '3']], $request->getQueryParams());
        self::assertSame(['sid' => 'abc'], $request->getCookieParams());
        self::assertSame(['1', '2'], $request->getHeader('X-Multi'));
        self::assertSame('text/plain', $request->getHeaderLine('content-type'));
        self::assertSame('body', (string) $request->getBody());
        self::assertNull($request->getParsedBody());
        self::assertFalse($request->getAttribute('rr_parsed_body'));
        self::assertSame('10.0.0.9', $request->getAttribute('ipAddress'));

        $server = $request->getServerParams();
        self::assertSame($server, $_SERVER);
        self::assertSame('kept', $server['FROM_BOOT']);
        self::assertArrayNotHasKey('AFTER_BOOT', $server);
        self::assertSame('https://example.com:8443/path/x?a=1&b[]=2&b[]=3', $server['REQUEST_URI']);
        self::assertSame('10.0.0.9', $server['REMOTE_ADDR']);
        self::assertSame('POST', $server['REQUEST_METHOD']);
        self::assertSame('text/plain', $server['CONTENT_TYPE']);
        self::assertSame('4', $server['CONTENT_LENGTH']);
        self::assertSame('1, 2', $server['HTTP_X_MULTI']);
        self::assertSame('test/1', $server['HTTP_USER_AGENT']);
        self::assertIsInt($server['REQUEST_TIME']);
        self::assertIsFloat($server['REQUEST_TIME_FLOAT']);
    }

    /** @return iterable<string, array{string, string}> */
    public function protocols(): iterable
    {
        yield ['HTTP/1.0', '1.0'];
        yield ['HTTP/1.1', '1.1'];
        yield ['HTTP/2.0', '2'];
        yield ['HTTP/3.0', '1.1'];
        yield ['', '1.1'];
    }

    /** @dataProvider protocols */
    public function testMapsProtocolVersions(string $protocol, string $version): void
    {
        $ctx = self::context(['protocol' => $protocol]);
        $relay = (new TestRelay())->addFrames(self::frame(false, $ctx));

        self::assertSame($version, self::psr7($relay)->waitRequest()?->getProtocolVersion());
    }

    /** @dataProvider codecs */
    public function testParsedBodyIsTheFormTree(bool $proto): void
    {
        $ctx = self::context([
            'method' => 'POST',
            'parsed' => true,
            'headers' => ['Content-Type' => ['application/x-www-form-urlencoded']],
        ]);
        $relay = (new TestRelay())->addFrames(
            self::frame($proto, $ctx, '{"name":"rr","tags":["a","b"]}'),
            self::frame($proto, $ctx, ''),
        );
        $psr7 = self::psr7($relay);

        $request = $psr7->waitRequest();
        self::assertSame(['name' => 'rr', 'tags' => ['a', 'b']], $request?->getParsedBody());
        self::assertTrue($request?->getAttribute('rr_parsed_body'));
        self::assertSame('{"name":"rr","tags":["a","b"]}', (string) $request?->getBody());

        $empty = $psr7->waitRequest();
        self::assertSame([], $empty?->getParsedBody());
    }

    private function tmpFile(string $content): string
    {
        $file = (string) \tempnam(\sys_get_temp_dir(), 'upload');
        \file_put_contents($file, $content);
        $this->tmpFiles[] = $file;
        return $file;
    }

    /** One file as the server describes it (PROTOCOL.md §4.4). */
    private static function upload(
        string $name,
        string $mime,
        int $size,
        int $error,
        string $tmp,
    ): array {
        return [
            'name' => $name,
            'mime' => $mime,
            'size' => $size,
            'error' => $error,
            'tmpName' => $tmp,
        ];
    }

    /** @dataProvider codecs */
    public function testUploadsBecomeUploadedFilesInTheSameTree(bool $proto): void
    {
        $one = $this->tmpFile('first');
        $two = $this->tmpFile('second!');
        $deep = $this->tmpFile('deep');
        $uploads = [
            'avatar' => self::upload('me.png', 'image/png', 5, 0, $one),
            'files' => [
                self::upload('a.txt', 'text/plain', 7, 0, $two),
                self::upload('b.php', 'text/plain', 0, 8, ''),
            ],
            'doc' => ['a' => ['b' => self::upload('d.txt', 'text/plain', 4, 0, $deep)]],
        ];
        $ctx = self::context(['method' => 'POST', 'parsed' => true, 'uploads' => $uploads]);
        $relay = (new TestRelay())->addFrames(self::frame($proto, $ctx, '{}'));

        $files = self::psr7($relay)->waitRequest()?->getUploadedFiles();

        self::assertIsArray($files);
        self::assertInstanceOf(UploadedFileInterface::class, $files['avatar']);
        self::assertSame('me.png', $files['avatar']->getClientFilename());
        self::assertSame('image/png', $files['avatar']->getClientMediaType());
        self::assertSame(5, $files['avatar']->getSize());
        self::assertSame(\UPLOAD_ERR_OK, $files['avatar']->getError());
        self::assertSame('first', (string) $files['avatar']->getStream());

        self::assertCount(2, $files['files']);
        self::assertSame('second!', (string) $files['files'][0]->getStream());
        self::assertSame(\UPLOAD_ERR_EXTENSION, $files['files'][1]->getError());
        self::assertSame('b.php', $files['files'][1]->getClientFilename());

        self::assertInstanceOf(UploadedFileInterface::class, $files['doc']['a']['b']);
        self::assertSame('deep', (string) $files['doc']['a']['b']->getStream());
    }

    /** @dataProvider codecs */
    public function testRespondSendsStatusHeadersAndBody(bool $proto): void
    {
        $relay = (new TestRelay())->addFrames(self::frame($proto, self::context()));
        $psr7 = self::psr7($relay);
        $psr7->waitRequest();

        $headers = ['Content-Type' => 'text/plain', 'X-A' => ['1', '2']];
        $psr7->respond(new Response(404, $headers, 'missing'));

        $frame = $relay->getReceived()[0];
        self::assertSame(0, $frame->byte10);
        $header = \substr((string) $frame->payload, 0, $frame->options[0]);
        self::assertSame('missing', \substr((string) $frame->payload, $frame->options[0]));
        if ($proto) {
            self::assertSame(Frame::CODEC_PROTO, $frame->flags);
            $decoded = ProtoCodec::decodeResponse($header);
            $headers = ['Content-Type' => ['text/plain'], 'X-A' => ['1', '2']];
            self::assertSame([404, $headers], $decoded);
        } else {
            self::assertSame(Frame::CODEC_JSON, $frame->flags);
            $json = '{"status":404,"headers":{"Content-Type":["text/plain"],"X-A":["1","2"]}}';
            self::assertSame($json, $header);
        }
    }

    /** @return list<array{Frame[], list<string>, list<int>}> */
    private static function bodies(TestRelay $relay): array
    {
        $frames = $relay->getReceived();
        return [
            \array_map(
                static fn (Frame $f) => \substr((string) $f->payload, $f->options[0]),
                $frames,
            ),
            \array_map(static fn (Frame $f) => $f->byte10, $frames),
        ];
    }

    public function testChunkSizeSplitsAKnownSizeBodyWithTheLastPieceInTheFinalFrame(): void
    {
        $relay = (new TestRelay())->addFrames(self::frame(false, self::context()));
        $psr7 = self::psr7($relay);
        $psr7->chunkSize = 4;
        $psr7->waitRequest();

        $psr7->respond(new Response(200, [], 'abcdefghij'));

        self::assertSame([['abcd', 'efgh', 'ij'], [1, 1, 0]], self::bodies($relay));
    }

    public function testChunkSizeWithAnExactMultiple(): void
    {
        $relay = (new TestRelay())->addFrames(self::frame(false, self::context()));
        $psr7 = self::psr7($relay);
        $psr7->chunkSize = 4;
        $psr7->waitRequest();

        $psr7->respond(new Response(200, [], 'abcdefgh'));

        self::assertSame([['abcd', 'efgh'], [1, 0]], self::bodies($relay));
    }

    public function testBodySmallerThanChunkSizeIsOneFrame(): void
    {
        $relay = (new TestRelay())->addFrames(self::frame(false, self::context()));
        $psr7 = self::psr7($relay);
        $psr7->chunkSize = 64;
        $psr7->waitRequest();

        $psr7->respond(new Response(200, [], 'small'));

        self::assertSame([['small'], [0]], self::bodies($relay));
    }

    public function testUnknownSizeBodyEndsWithAnEmptyFrame(): void
    {
        $relay = (new TestRelay())->addFrames(self::frame(false, self::context()));
        $psr7 = self::psr7($relay);
        $psr7->chunkSize = 3;
        $psr7->waitRequest();
        $inner = Stream::create('abcdefg');
        $unknown = new class ($inner) implements StreamInterface {
            public function __construct(private StreamInterface $s) {}
            public function __toString(): string { return (string) $this->s; }
            public function close(): void { $this->s->close(); }
            public function detach() { return $this->s->detach(); }
            public function getSize(): ?int { return null; }
            public function tell(): int { return $this->s->tell(); }
            public function eof(): bool { return $this->s->eof(); }
            public function isSeekable(): bool { return true; }
            public function seek($offset, $whence = \SEEK_SET): void
            {
                $this->s->seek($offset, $whence);
            }
            public function rewind(): void { $this->s->rewind(); }
            public function isWritable(): bool { return false; }
            public function write($string): int { throw new \RuntimeException('read-only'); }
            public function isReadable(): bool { return true; }
            public function read($length): string { return $this->s->read($length); }
            public function getContents(): string { return $this->s->getContents(); }
            public function getMetadata($key = null) { return $this->s->getMetadata($key); }
        };

        $psr7->respond((new Response(200))->withBody($unknown));

        [$bodies, $flags] = self::bodies($relay);
        self::assertSame('abcdefg', \implode('', $bodies));
        self::assertSame('', \end($bodies));
        self::assertSame(0, \end($flags));
        self::assertSame(\array_fill(0, \count($flags) - 1, 1), \array_slice($flags, 0, -1));
    }

    public function testServerKeysAreTheSameForRepeatedAndManyHeaderNames(): void
    {
        $headers = ['content-type' => ['a/b'], 'Content-Length' => ['3'], 'x-lower' => ['l']];
        for ($i = 0; $i < 300; ++$i) {
            $headers['X-N-' . $i] = ['v' . $i];
        }
        $ctx = self::context(['headers' => $headers]);
        $relay = (new TestRelay())->addFrames(
            self::frame(false, $ctx),
            self::frame(false, $ctx),
            self::frame(false, self::context(['headers' => ['X-N-299' => ['w', 'z']]])),
        );
        $psr7 = self::psr7($relay);

        foreach ([1, 2] as $_) {
            $server = $psr7->waitRequest()?->getServerParams() ?? [];
            self::assertSame('a/b', $server['CONTENT_TYPE']);
            self::assertSame('3', $server['CONTENT_LENGTH']);
            self::assertSame('l', $server['HTTP_X_LOWER']);
            self::assertSame('', $server['HTTP_USER_AGENT']);
            for ($i = 0; $i < 300; ++$i) {
                self::assertSame('v' . $i, $server['HTTP_X_N_' . $i]);
            }
        }
        $server = $psr7->waitRequest()?->getServerParams() ?? [];
        self::assertSame('w, z', $server['HTTP_X_N_299']);
        self::assertArrayNotHasKey('HTTP_X_N_0', $server);
    }

    public function testAccessorsExposeTheLayersBelow(): void
    {
        $worker = new Worker(new TestRelay(), false);
        $factory = new Psr17Factory();
        $psr7 = new PSR7Worker($worker, $factory, $factory, $factory);

        self::assertSame($worker, $psr7->getWorker());
        self::assertInstanceOf(HttpWorker::class, $psr7->getHttpWorker());
        self::assertSame($worker, $psr7->getHttpWorker()->getWorker());
    }

    public function testStopEndsTheLoop(): void
    {
        $relay = (new TestRelay())
            ->addBytes(Vectors::frame('pid_request'))
            ->addBytes(Vectors::frame('stop_command'));

        self::assertNull(self::psr7($relay)->waitRequest());
    }
}
