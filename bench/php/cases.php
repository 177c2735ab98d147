<?php

/**
 * The per-request cases shared by http_codec_bench.php (wall time) and ir_per_request.sh
 * (callgrind instruction counts). Returns [contexts => [name => json bytes], cases =>
 * [scenario/codec => [phase => fn(int $n)]]].
 *
 * Scenarios:
 *   browser = a typical browser GET (10 headers, 2 cookies, query), answered with 3 headers;
 *   wrk     = wrk's request (`GET /`, only Host, which the server moves into the URI, so no
 *             headers), answered as bench/app/psr7_worker.php does (Content-Type, "Hello").
 * Phases (each one request):
 *   decode     = HttpWorker::waitRequest()
 *   encode     = HttpWorker::respond()
 *   psr7_wait  = PSR7Worker::waitRequest()
 *   psr7_resp  = PSR7Worker::respond() of a prebuilt response
 *   psr7       = PSR7Worker::waitRequest() + new Response + respond() (the canonical loop)
 *   psr7_relay = the same loop over a real StreamRelay (frames read from a php://memory stream
 *                holding 256 copies of the request, answers written to /dev/null)
 * Except for psr7_relay the relay is in memory (hands out the same request frame, packs and
 * drops answers), so the numbers are the library's own cost without the pipe syscalls.
 */

declare(strict_types=1);

require_once __DIR__ . '/../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\Goridge\Frame;
use Spiral\Goridge\Relay;
use Spiral\Goridge\StreamRelay;
use Spiral\RoadRunner\Http\HttpWorker;
use Spiral\RoadRunner\Http\Internal\ProtoCodec;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

final class LoopRelay extends Relay
{
    public int $sentBytes = 0;

    public function __construct(private readonly Frame $request)
    {
    }

    public function waitFrame(): Frame
    {
        return $this->request;
    }

    public function send(Frame $frame): void
    {
        $this->sentBytes += \strlen(Frame::packFrame($frame));
    }
}

/** StreamRelay over an in-memory stream of 256 request frames, rewound after the last one. */
final class MemoryStreamRelay extends StreamRelay
{
    private const FRAMES = 256;

    private int $left = self::FRAMES;

    /** @var resource */
    private $memory;

    public static function over(Frame $request): self
    {
        $memory = \fopen('php://memory', 'w+b');
        \fwrite($memory, \str_repeat(Frame::packFrame($request), self::FRAMES));
        \rewind($memory);
        $relay = new self($memory, \fopen('/dev/null', 'wb'));
        $relay->memory = $memory;
        return $relay;
    }

    public function waitFrame(): Frame
    {
        if ($this->left === 0) {
            \rewind($this->memory);
            $this->left = self::FRAMES;
        }
        --$this->left;
        return parent::waitFrame();
    }
}

return (static function (): array {
    $browser = [
        'remoteAddr' => '127.0.0.1',
        'protocol' => 'HTTP/1.1',
        'method' => 'GET',
        'uri' => 'http://localhost:8080/catalog/items?page=2&sort=price&filter[color]=red',
        'headers' => [
            'Accept' => ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
            'Accept-Encoding' => ['gzip, deflate, br'],
            'Accept-Language' => ['en-US,en;q=0.5'],
            'Cache-Control' => ['no-cache'],
            'Connection' => ['keep-alive'],
            'Cookie' => ['session=0123456789abcdef; theme=dark'],
            'Referer' => ['http://localhost:8080/catalog'],
            'Upgrade-Insecure-Requests' => ['1'],
            'User-Agent' => [
                'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
            ],
            'X-Request-Id' => ['7f1c2a9e-4b7d-4c1e-9a51-2d7c3e1f0a88'],
        ],
        'cookies' => ['session' => '0123456789abcdef', 'theme' => 'dark'],
        'rawQuery' => 'page=2&sort=price&filter[color]=red',
        'parsed' => false,
        'uploads' => null,
        'attributes' => (object) [],
    ];
    // Byte for byte what src/protocol/http_json_encode.cpp sends for wrk's `GET /`.
    $wrk = '{"remoteAddr":"127.0.0.1","protocol":"HTTP/1.1","method":"GET",'
        . '"uri":"http://127.0.0.1:8080/","headers":{},"cookies":{},"rawQuery":"",'
        . '"parsed":false,"uploads":null,"attributes":{}}';

    $scenarios = [
        'browser' => [
            'json' => \json_encode($browser, \JSON_UNESCAPED_SLASHES),
            'headers' => [
                'Content-Type' => ['text/html; charset=utf-8'],
                'Cache-Control' => ['no-store'],
                'X-Powered-By' => ['rr'],
            ],
            'body' => 'Hello RoadRunner!',
        ],
        'wrk' => [
            'json' => $wrk,
            'headers' => ['Content-Type' => 'text/plain'],
            'body' => 'Hello',
        ],
    ];

    $factory = new Psr17Factory();
    $contexts = [];
    $cases = [];
    foreach ($scenarios as $name => $s) {
        $json = $s['json'];
        $proto = ProtoCodec::encodeRequest(\json_decode($json, true));
        $contexts[$name] = ['json' => \strlen($json), 'proto' => \strlen($proto)];
        $frames = [
            'json' => new Frame($json, [\strlen($json)], Frame::CODEC_JSON),
            'proto' => new Frame($proto, [\strlen($proto)], Frame::CODEC_PROTO),
        ];
        $headers = $s['headers'];
        $body = $s['body'];
        foreach ($frames as $codec => $frame) {
            $http = new HttpWorker(new Worker(new LoopRelay($frame), false));
            $psr7 = new PSR7Worker(
                new Worker(new LoopRelay($frame), false),
                $factory,
                $factory,
                $factory,
            );
            $psr7Relay = new PSR7Worker(
                new Worker(MemoryStreamRelay::over($frame), false),
                $factory,
                $factory,
                $factory,
            );
            $response = new Response(200, $headers, $body);
            $cases["$name/$codec"] = [
                'decode' => static function (int $n) use ($http): void {
                    for ($i = 0; $i < $n; ++$i) {
                        $http->waitRequest();
                    }
                },
                'encode' => static function (int $n) use ($http, $headers, $body): void {
                    for ($i = 0; $i < $n; ++$i) {
                        $http->respond(200, $body, $headers);
                    }
                },
                'psr7_wait' => static function (int $n) use ($psr7): void {
                    for ($i = 0; $i < $n; ++$i) {
                        $psr7->waitRequest();
                    }
                },
                'psr7_resp' => static function (int $n) use ($psr7, $response): void {
                    for ($i = 0; $i < $n; ++$i) {
                        $psr7->respond($response);
                    }
                },
                'psr7' => static function (int $n) use ($psr7, $headers, $body): void {
                    for ($i = 0; $i < $n; ++$i) {
                        $psr7->waitRequest();
                        $psr7->respond(new Response(200, $headers, $body));
                    }
                },
                'psr7_relay' => static function (int $n) use ($psr7Relay, $headers, $body): void {
                    for ($i = 0; $i < $n; ++$i) {
                        $psr7Relay->waitRequest();
                        $psr7Relay->respond(new Response(200, $headers, $body));
                    }
                },
            ];
        }
    }
    return ['contexts' => $contexts, 'cases' => $cases];
})();
