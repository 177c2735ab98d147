<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Http;

use Generator;
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
 */
class PSR7Worker implements PSR7WorkerInterface
{
    /** Bytes per response frame; 0 sends the whole body in one frame. */
    public int $chunkSize = 0;

    private readonly HttpWorker $httpWorker;

    /** @var array<array-key, mixed> */
    private readonly array $originalServer;

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
            $key = \strtoupper(\strtr((string) $name, '-', '_'));
            $value = \implode(', ', (array) $values);
            if ($key === 'CONTENT_TYPE' || $key === 'CONTENT_LENGTH') {
                $server[$key] = $value;
            } else {
                $server['HTTP_' . $key] = $value;
            }
        }

        return $server;
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
