<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Http;

use Generator;
use Nyholm\Psr7\ServerRequest as NyholmServerRequest;
use Nyholm\Psr7\Uri as NyholmUri;
use Psr\Http\Message\ResponseInterface;
use Psr\Http\Message\ServerRequestFactoryInterface;
use Psr\Http\Message\ServerRequestInterface;
use Psr\Http\Message\StreamFactoryInterface;
use Psr\Http\Message\StreamInterface;
use Psr\Http\Message\UploadedFileFactoryInterface;
use Psr\Http\Message\UploadedFileInterface;
use Spiral\RoadRunner\WorkerInterface;

/**
 * PSR-7 on top of HttpWorker, through injected PSR-17 factories.
 *
 * <code>
 * $factory = new Psr17Factory();
 * $psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);
 * while ($request = $psr7->waitRequest()) {
 *     $psr7->respond(new Response(200, [], 'hello'));
 * }
 * </code>
 *
 * waitRequest() replaces `$_SERVER` with the constructor-time snapshot plus the request's
 * variables (REQUEST_URI, REQUEST_TIME(_FLOAT), REMOTE_ADDR, REQUEST_METHOD, HTTP_*,
 * CONTENT_TYPE, CONTENT_LENGTH). With `$chunkSize > 0` response bodies are streamed in pieces
 * of that many bytes.
 *
 * When the request and stream factories are both exactly nyholm's Psr17Factory, the request is
 * built with one `new ServerRequest(method, uri, headers, body, version, server)` instead of the
 * factory call plus a withProtocolVersion/withHeader/withBody clone each, and the Uri object of
 * the previous request is reused when the URI string is the same (Uri is immutable; nyholm
 * already shares it between a request and its clones). The result is the same object state as
 * the generic path (tests/Http/PSR7WorkerFastPathTest.php compares both); requests for which that
 * cannot be guaranteed (header names equal ignoring case, a Host header, a host that nyholm's
 * header validation would treat differently) take the generic path.
 */
class PSR7Worker implements PSR7WorkerInterface
{
    /** Bytes per response frame; 0 sends the whole body in one frame. */
    public int $chunkSize = 0;

    private readonly HttpWorker $httpWorker;

    /** @var array<array-key, mixed> */
    private readonly array $originalServer;

    private const SERVER_KEYS_MAX = 256;

    /** @var array<array-key, string> header name => `$_SERVER` key, see serverKey() */
    private array $serverKeys = [];

    /** Both factories are exactly nyholm's Psr17Factory: see the class comment. */
    private readonly bool $nyholm;

    /** URI string of $uriObject; null before the first request of the fast path. */
    private ?string $uriKey = null;

    private ?object $uriObject = null;

    /**
     * The Host header nyholm derives from $uriObject ('' when it has no host); false when that
     * host needs nyholm's own handling (then the generic path is taken).
     */
    private string|false $uriHost = false;

    /** @var array<string, string> protocol string → PSR-7 protocol version */
    private const PROTOCOLS = [
        'HTTP/1.1' => '1.1',
        'HTTP/1.0' => '1.0',
        'HTTP/2.0' => '2',
        'HTTP/2' => '2',
    ];

    public function __construct(
        WorkerInterface $worker,
        private readonly ServerRequestFactoryInterface $requestFactory,
        private readonly StreamFactoryInterface $streamFactory,
        private readonly UploadedFileFactoryInterface $uploadsFactory,
    ) {
        $this->httpWorker = new HttpWorker($worker);
        $this->originalServer = $_SERVER;
        $this->nyholm = $requestFactory::class === 'Nyholm\\Psr7\\Factory\\Psr17Factory'
            && $streamFactory::class === 'Nyholm\\Psr7\\Factory\\Psr17Factory';
    }

    public function getWorker(): WorkerInterface
    {
        return $this->httpWorker->getWorker();
    }

    public function getHttpWorker(): HttpWorker
    {
        return $this->httpWorker;
    }

    /**
     * @throws \JsonException|\UnexpectedValueException for a context that does not decode
     */
    public function waitRequest(): ?ServerRequestInterface
    {
        $httpRequest = $this->httpWorker->waitRequest();
        if ($httpRequest === null) {
            return null;
        }

        $_SERVER = $this->configureServer($httpRequest);

        return $this->mapRequest($httpRequest, $_SERVER);
    }

    public function respond(ResponseInterface $response): void
    {
        $body = $response->getBody();
        $this->httpWorker->respond(
            $response->getStatusCode(),
            $this->chunkSize > 0 ? $this->streamToGenerator($body) : (string) $body,
            $response->getHeaders(),
        );
    }

    /**
     * @return array<array-key, mixed>
     */
    protected function configureServer(Request $request): array
    {
        $server = $this->originalServer;

        $server['REQUEST_URI'] = $request->uri;
        $server['REQUEST_TIME'] = $this->timeInt();
        $server['REQUEST_TIME_FLOAT'] = $this->timeFloat();
        $server['REMOTE_ADDR'] = $request->getRemoteAddr();
        $server['REQUEST_METHOD'] = $request->method;
        $server['HTTP_USER_AGENT'] = '';

        foreach ($request->headers as $name => $values) {
            $key = $this->serverKeys[$name] ?? $this->serverKey($name);
            $server[$key] = \implode(', ', (array) $values);
        }

        return $server;
    }

    /**
     * The `$_SERVER` key of a header: `HTTP_` + upper case with `_` for `-`, except
     * CONTENT_TYPE and CONTENT_LENGTH. Remembered for the next requests (up to
     * SERVER_KEYS_MAX names, so that a client sending random names cannot grow the map).
     */
    private function serverKey(int|string $name): string
    {
        $key = \strtoupper(\strtr((string) $name, '-', '_'));
        if ($key !== 'CONTENT_TYPE' && $key !== 'CONTENT_LENGTH') {
            $key = 'HTTP_' . $key;
        }
        if (\count($this->serverKeys) < self::SERVER_KEYS_MAX) {
            $this->serverKeys[$name] = $key;
        }
        return $key;
    }

    protected function timeInt(): int
    {
        return \time();
    }

    protected function timeFloat(): float
    {
        return \microtime(true);
    }

    /**
     * @param array<array-key, mixed> $server
     */
    protected function mapRequest(Request $httpRequest, array $server): ServerRequestInterface
    {
        if ($this->nyholm) {
            $request = $this->mapNyholmRequest($httpRequest, $server);
            if ($request !== null) {
                return $request;
            }
        }

        $request = $this->requestFactory->createServerRequest(
            $httpRequest->method,
            $httpRequest->uri,
            $server,
        );

        $version = self::PROTOCOLS[$httpRequest->protocol] ?? '1.1';
        if ($request->getProtocolVersion() !== $version) {
            $request = $request->withProtocolVersion($version);
        }
        if ($httpRequest->cookies !== []) {
            $request = $request->withCookieParams($httpRequest->cookies);
        }
        if ($httpRequest->query !== []) {
            $request = $request->withQueryParams($httpRequest->query);
        }
        if ($httpRequest->uploads !== []) {
            $request = $request->withUploadedFiles($this->wrapUploads($httpRequest->uploads));
        }
        foreach ($httpRequest->attributes as $name => $value) {
            $request = $request->withAttribute((string) $name, $value);
        }
        foreach ($httpRequest->headers as $name => $value) {
            $request = $request->withHeader((string) $name, $value);
        }
        if ($httpRequest->parsed) {
            $request = $request->withParsedBody($httpRequest->getParsedBody());
        }
        if ($httpRequest->body !== '') {
            $request = $request->withBody($this->streamFactory->createStream($httpRequest->body));
        }
        return $request;
    }

    /**
     * mapRequest() for nyholm's factories: the same result and the same order of the steps that
     * can throw (URI parse, uploads, header validation, parsed body), fewer clones. Null when
     * the request needs the generic path.
     *
     * @param array<array-key, mixed> $server
     */
    private function mapNyholmRequest(Request $httpRequest, array $server): ?ServerRequestInterface
    {
        if ($httpRequest->uri !== $this->uriKey) {
            $this->parseUri($httpRequest->uri);
        }
        $headers = $httpRequest->headers;
        if ($headers !== []) {
            // Without headers the constructor adds Host from the URI itself, as in the generic
            // path; with headers see parseUri().
            if ($this->uriHost === false) {
                return null;
            }
            $lower = \array_change_key_case($headers, \CASE_LOWER);
            if (isset($lower['host']) || \count($lower) !== \count($headers)) {
                return null;
            }
            if ($this->uriHost !== '') {
                $headers = ['Host' => [$this->uriHost]] + $headers;
            }
        }
        $uploads = $httpRequest->uploads !== [] ? $this->wrapUploads($httpRequest->uploads) : null;

        $request = new NyholmServerRequest(
            $httpRequest->method,
            $this->uriObject,
            $headers,
            $httpRequest->body,
            self::PROTOCOLS[$httpRequest->protocol] ?? '1.1',
            $server,
        );
        if ($httpRequest->cookies !== []) {
            $request = $request->withCookieParams($httpRequest->cookies);
        }
        if ($httpRequest->query !== []) {
            $request = $request->withQueryParams($httpRequest->query);
        }
        if ($uploads !== null) {
            $request = $request->withUploadedFiles($uploads);
        }
        foreach ($httpRequest->attributes as $name => $value) {
            $request = $request->withAttribute((string) $name, $value);
        }
        if ($httpRequest->parsed) {
            $request = $request->withParsedBody($httpRequest->getParsedBody());
        }
        return $request;
    }

    /**
     * Parses $uri into the Uri object nyholm's constructor would make and the Host header it
     * would add (nyholm's updateHostFromUri(): host, `:port` unless the scheme's default).
     *
     * Passing `['Host' => [host]] + headers` to the constructor then gives the same `headers`
     * and `headerNames` maps as the constructor + withHeader() per header, as long as no two
     * names are equal ignoring case and none is `host` (withHeader() replaces where the
     * constructor merges; checked per request), and the host passes nyholm's header validation
     * unchanged (the URI path does not validate it; checked here, else $uriHost = false).
     *
     * @throws \InvalidArgumentException for a URI parse_url() rejects (as the factory)
     */
    private function parseUri(string $uriString): void
    {
        $uri = new NyholmUri($uriString);
        $host = $uri->getHost();
        if ($host !== '') {
            $port = $uri->getPort();
            if ($port !== null) {
                $host .= ':' . $port;
            }
            if (\preg_match('/^[\x21-\x7E\x80-\xFF]+$/D', $host) !== 1) {
                $host = false;
            }
        }
        $this->uriObject = $uri;
        $this->uriHost = $host;
        $this->uriKey = $uriString;
    }

    /**
     * Turns the server's upload tree into UploadedFileInterface objects, keeping its shape.
     * An array without a `name` key is a subtree.
     *
     * @param array<array-key, mixed> $files
     * @return array<array-key, mixed>
     */
    protected function wrapUploads(array $files): array
    {
        $result = [];
        foreach ($files as $index => $file) {
            if (!\is_array($file)) {
                continue;
            }
            if (!isset($file['name'])) {
                $result[$index] = $this->wrapUploads($file);
                continue;
            }
            $result[$index] = $this->wrapUpload($file);
        }
        return $result;
    }

    /**
     * @param array<string, mixed> $file
     */
    private function wrapUpload(array $file): UploadedFileInterface
    {
        $error = (int) ($file['error'] ?? \UPLOAD_ERR_NO_FILE);
        if ($error === \UPLOAD_ERR_OK) {
            $stream = $this->streamFactory->createStreamFromFile((string) ($file['tmpName'] ?? ''));
        } else {
            $stream = $this->streamFactory->createStream();
        }
        return $this->uploadsFactory->createUploadedFile(
            $stream,
            (int) ($file['size'] ?? 0),
            $error,
            (string) $file['name'],
            (string) ($file['mime'] ?? ''),
        );
    }

    /**
     * Pieces of `chunkSize` bytes. With a known size the last piece is the return value (it
     * travels in the final frame); a body no larger than one piece is only a return value.
     * With an unknown size every piece is yielded and the final frame is empty.
     *
     * @return Generator<int, string, mixed, string>
     */
    private function streamToGenerator(StreamInterface $stream): Generator
    {
        if ($stream->isSeekable()) {
            $stream->rewind();
        }
        $size = $stream->getSize();
        if ($size !== null && $size <= $this->chunkSize) {
            return $stream->getContents();
        }

        $sent = 0;
        while (!$stream->eof()) {
            $chunk = $stream->read($this->chunkSize);
            if ($chunk === '') {
                break;
            }
            $sent += \strlen($chunk);
            if ($size !== null && $sent >= $size) {
                return $chunk;
            }
            yield $chunk;
        }
        return '';
    }
}
