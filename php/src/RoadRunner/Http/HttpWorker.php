<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Http;

use Generator;
use Spiral\Goridge\Frame;
use Spiral\RoadRunner\Http\Exception\StreamStoppedException;
use Spiral\RoadRunner\Http\Internal\ProtoCodec;
use Spiral\RoadRunner\Message\Command\StreamStop;
use Spiral\RoadRunner\Payload;
use Spiral\RoadRunner\StreamWorkerInterface;
use Spiral\RoadRunner\Worker;
use Spiral\RoadRunner\WorkerInterface;

/**
 * HTTP on top of a Worker: request contexts in, status + headers + body out (PROTOCOL.md §4).
 *
 * <code>
 * $http = new HttpWorker(Worker::create());
 * while ($request = $http->waitRequest()) {
 *     $http->respond(200, 'hello', ['Content-Type' => ['text/plain']]);
 * }
 * </code>
 *
 * Both request codecs are understood: a context that starts with '{' is JSON (RR ≤ 2023.3),
 * anything else is protobuf `http.v1.Request` (RR 2024+). The response goes out in the codec
 * of the latest request, with that codec's bit in the frame flags. With our Worker the PID
 * reply also advertises the codecs this library decodes fastest first (see docs/php.md).
 */
class HttpWorker implements HttpWorkerInterface
{
    /** Codec preference sent in the handshake (`codecs` key), fastest first. */
    public const PREFERRED_CODECS = ['json', 'proto'];

    private const JSON_ENCODE_FLAGS = \JSON_THROW_ON_ERROR | \JSON_UNESCAPED_SLASHES
        | \JSON_UNESCAPED_UNICODE | \JSON_INVALID_UTF8_SUBSTITUTE;

    /** Codec of the latest request (Frame::CODEC_JSON or Frame::CODEC_PROTO); null before one. */
    protected static ?int $codec = null;

    /** @var array<array-key, mixed>|null headers of $lastHead, see encodeHead() */
    private static ?array $lastHeaders = null;
    private static int $lastStatus = 0;
    private static int $lastCodec = 0;
    private static string $lastHead = '';

    public function __construct(private readonly WorkerInterface $worker)
    {
        if ($worker instanceof Worker) {
            $worker->advertiseCodecs(...self::PREFERRED_CODECS);
        }
    }

    public function getWorker(): WorkerInterface
    {
        return $this->worker;
    }

    /**
     * @throws \JsonException for a JSON context that does not decode
     * @throws \UnexpectedValueException for a malformed protobuf context
     */
    public function waitRequest(): ?Request
    {
        $payload = $this->worker->waitPayload();
        if ($payload === null) {
            return null;
        }
        $header = $payload->header;
        if ($header === '' && $payload->body === '') {
            return null;
        }

        if ($header !== '' && $header[0] === '{') {
            static::$codec = Frame::CODEC_JSON;
            return self::requestFromJson($header, $payload->body);
        }
        static::$codec = Frame::CODEC_PROTO;
        return ProtoCodec::decodeRequest($header, $payload->body);
    }

    /**
     * @param array<string, string|list<string>> $headers
     * @param bool $endOfStream false keeps the response open: more respond() calls follow
     *        (e.g. 103 Early Hints before the final answer)
     * @throws \InvalidArgumentException for a 1xx status with a body
     */
    public function respond(
        int $status,
        string|Generator $body = '',
        array $headers = [],
        bool $endOfStream = true,
    ): void
    {
        if ($status >= 100 && $status < 200 && $body !== '') {
            throw new \InvalidArgumentException(
                'Unable to send a body with informational status code.',
            );
        }

        $codec = static::$codec ?? Frame::CODEC_JSON;
        $head = self::encodeHead($codec, $status, $headers);

        if ($body instanceof Generator) {
            $this->respondStream($head, $codec, $body, $endOfStream);
            return;
        }
        /** @psalm-suppress TooManyArguments the 3.5 API accepts the codec as a 2nd argument */
        $this->worker->respond(new Payload($body, $head, $endOfStream), $codec);
    }

    /**
     * Sends each yielded string as a STREAM frame and the generator's return value as the last
     * frame. Before each chunk a STOP from the server is looked for: then the generator gets a
     * StreamStoppedException and one empty frame without STREAM acknowledges the stop. A
     * generator that throws after the first chunk is ended the same way (the exception is not
     * rethrown: the server is waiting for the end of the stream); one that throws before
     * anything was sent propagates, so the application can still send an error response.
     */
    private function respondStream(
        string $head,
        int $codec,
        Generator $body,
        bool $endOfStream,
    ): void
    {
        $worker = $this->worker instanceof StreamWorkerInterface
            ? $this->worker->withStreamMode()
            : $this->worker;
        $started = false;

        while (true) {
            try {
                if (!$body->valid()) {
                    $last = (string) $body->getReturn();
                    break;
                }
                $chunk = (string) $body->current();
            } catch (\Throwable $e) {
                if (!$started) {
                    throw $e; // nothing sent yet: the application can still answer
                }
                $worker->respond(new Payload(''));
                return;
            }

            if ($worker->getPayload(StreamStop::class) !== null) {
                try {
                    $body->throw(new StreamStoppedException());
                } catch (\Throwable) {
                    // The generator may rethrow; the stream is over either way.
                }
                $worker->respond(new Payload(''));
                return;
            }

            $this->send($worker, new Payload($chunk, $head, false), $codec);
            $started = true;

            try {
                $body->next();
            } catch (\Throwable) {
                $worker->respond(new Payload(''));
                return;
            }
        }

        if (!$endOfStream && $last === '') {
            return;
        }
        $this->send($worker, new Payload($last, $head, $endOfStream), $codec);
    }

    private function send(WorkerInterface $worker, Payload $payload, int $codec): void
    {
        /** @psalm-suppress TooManyArguments the 3.5 API accepts the codec as a 2nd argument */
        $worker->respond($payload, $codec);
    }

    /**
     * The response context. The last one is kept with its status, headers and codec: an app
     * that answers with the same status and headers again (the common case) skips the
     * encoding. Only headers whose values are all strings are kept (their encoding depends on
     * nothing but `===`-equal input; a float or object value could encode differently).
     *
     * @param array<array-key, mixed> $headers
     */
    private static function encodeHead(int $codec, int $status, array $headers): string
    {
        if ($headers === self::$lastHeaders && $status === self::$lastStatus
            && $codec === self::$lastCodec
        ) {
            return self::$lastHead;
        }

        $key = $headers;
        $strings = true;
        foreach ($headers as $name => $values) {
            if (!\is_array($values)) {
                $strings = $strings && \is_string($values);
                $headers[$name] = [(string) $values];
                continue;
            }
            foreach ($values as $value) {
                if (!\is_string($value)) {
                    $strings = false;
                    break;
                }
            }
        }

        if ($codec === Frame::CODEC_PROTO) {
            $head = ProtoCodec::encodeResponse($status, $key);
        } elseif ($headers === []) {
            $head = '{"status":' . $status . ',"headers":{}}';
        } else {
            // A list (numeric names only) would encode as a JSON array; the server wants an
            // object.
            $map = \array_is_list($headers) ? (object) $headers : $headers;
            $head = \json_encode(
                ['status' => $status, 'headers' => $map],
                self::JSON_ENCODE_FLAGS,
            );
        }

        if ($strings) {
            self::$lastHeaders = $key;
            self::$lastStatus = $status;
            self::$lastCodec = $codec;
            self::$lastHead = $head;
        }
        return $head;
    }

    private static function requestFromJson(string $header, string $body): Request
    {
        $ctx = \json_decode($header, true, 512, \JSON_THROW_ON_ERROR);
        if (!\is_array($ctx)) {
            throw new \JsonException('request context must be a JSON object');
        }

        $headers = $ctx['headers'] ?? [];
        if (!\is_array($headers)) {
            $headers = [];
        }
        foreach ($headers as $name => $_) {
            if (\is_int($name) || $name === '') {
                unset($headers[$name]);
            }
        }

        $query = [];
        $rawQuery = (string) ($ctx['rawQuery'] ?? '');
        if ($rawQuery !== '') {
            \parse_str($rawQuery, $query);
        }

        $parsed = (bool) ($ctx['parsed'] ?? false);
        $attributes = \is_array($ctx['attributes'] ?? null) ? $ctx['attributes'] : [];
        $attributes[Request::PARSED_BODY_ATTRIBUTE_NAME] = $parsed;

        // Positional arguments: named ones cost a lookup each at run time.
        return new Request(
            (string) ($ctx['remoteAddr'] ?? ''),
            (string) ($ctx['protocol'] ?? ''),
            (string) ($ctx['method'] ?? ''),
            (string) ($ctx['uri'] ?? ''),
            $headers,
            \is_array($ctx['cookies'] ?? null) ? $ctx['cookies'] : [],
            \is_array($ctx['uploads'] ?? null) ? $ctx['uploads'] : [],
            $attributes,
            $query,
            $parsed && $body === '' ? '{}' : $body,
            $parsed,
        );
    }
}
