<?php

/**
 * Micro-benchmark of the PHP library's per-request path, per request codec:
 *   decode  = HttpWorker::waitRequest() (context → Request)
 *   psr7    = PSR7Worker::waitRequest() + respond() (decode + PSR-7 build + encode)
 *   encode  = HttpWorker::respond() only (status + headers → context, frame packing)
 * The relay is in memory (hands out the same request frame, packs and drops answers), so the
 * numbers are the library's own cost without the pipe syscalls.
 *
 * Usage: php http_codec_bench.php [iterations-per-run=2000] [runs=30]
 * (run.sh runs it without opcache, with opcache, and with opcache + JIT). Codecs are
 * interleaved run by run and the best run of each is kept, so that load from other processes
 * on the machine hits both codecs alike.
 */

declare(strict_types=1);

require __DIR__ . '/../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\Goridge\Frame;
use Spiral\Goridge\Relay;
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

/** A typical browser GET with cookies and a query string. */
$ctx = [
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
        'User-Agent' => ['Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0'],
        'X-Request-Id' => ['7f1c2a9e-4b7d-4c1e-9a51-2d7c3e1f0a88'],
    ],
    'cookies' => ['session' => '0123456789abcdef', 'theme' => 'dark'],
    'rawQuery' => 'page=2&sort=price&filter[color]=red',
    'parsed' => false,
    'uploads' => null,
    'attributes' => (object) [],
];
$jsonContext = \json_encode($ctx, \JSON_UNESCAPED_SLASHES);
$protoContext = ProtoCodec::encodeRequest(\json_decode($jsonContext, true));
$contexts = [
    'json' => new Frame($jsonContext, [\strlen($jsonContext)], Frame::CODEC_JSON),
    'proto' => new Frame($protoContext, [\strlen($protoContext)], Frame::CODEC_PROTO),
];
$responseHeaders = [
    'Content-Type' => ['text/html; charset=utf-8'],
    'Cache-Control' => ['no-store'],
    'X-Powered-By' => ['rr'],
];

$iterations = (int) ($argv[1] ?? 2000);
$runs = (int) ($argv[2] ?? 30);
$factory = new Psr17Factory();

/** µs per iteration of one timed run, after a short warm-up (which also lets the JIT trace). */
function measure(callable $fn, int $iterations): float
{
    $fn(\intdiv($iterations, 10));
    $start = \hrtime(true);
    $fn($iterations);
    return (\hrtime(true) - $start) / 1e3 / $iterations;
}

$opcache = \function_exists('opcache_get_status') ? (\opcache_get_status(false) ?: []) : [];
$mode = empty($opcache['opcache_enabled']) ? 'no-opcache'
    : (empty($opcache['jit']['on']) ? 'opcache' : 'opcache+jit');

$cases = [];
foreach ($contexts as $codec => $frame) {
    $http = new HttpWorker(new Worker(new LoopRelay($frame), false));
    $psr7 = new PSR7Worker(new Worker(new LoopRelay($frame), false), $factory, $factory, $factory);
    $cases[$codec] = [
        'decode' => static function (int $n) use ($http): void {
            for ($i = 0; $i < $n; ++$i) {
                $http->waitRequest();
            }
        },
        'encode' => static function (int $n) use ($http, $responseHeaders): void {
            for ($i = 0; $i < $n; ++$i) {
                $http->respond(200, 'Hello RoadRunner!', $responseHeaders);
            }
        },
        'psr7' => static function (int $n) use ($psr7, $responseHeaders): void {
            for ($i = 0; $i < $n; ++$i) {
                $psr7->waitRequest();
                $psr7->respond(new Response(200, $responseHeaders, 'Hello RoadRunner!'));
            }
        },
    ];
}

$results = [];
for ($run = 0; $run < $runs; ++$run) {
    foreach ($cases as $codec => $phases) {
        foreach ($phases as $phase => $fn) {
            $t = measure($fn, $iterations);
            $results[$codec][$phase] = \min($results[$codec][$phase] ?? \INF, $t);
        }
    }
}

\printf(
    "%-12s %-6s %10s %10s %10s   "
        . "(context bytes: json %d, proto %d; best of %d runs x %d; PHP %s)\n",
    'mode',
    'codec',
    'decode_us',
    'encode_us',
    'psr7_us',
    \strlen($jsonContext),
    \strlen($protoContext),
    $runs,
    $iterations,
    \PHP_VERSION,
);
foreach ($results as $codec => $r) {
    \printf(
        "%-12s %-6s %10.2f %10.2f %10.2f\n",
        $mode,
        $codec,
        $r['decode'],
        $r['encode'],
        $r['psr7'],
    );
}
