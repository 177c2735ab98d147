<?php

/**
 * Round trips over real pipes: this script plays the server (a PHP stand-in, so its own frame
 * handling is included) against examples/hello/worker.php, per request codec. Reports µs per
 * request/response round trip, best of several runs.
 *
 * Usage: php pipes_roundtrip.php [requests-per-run=2000] [runs=10] [worker-php-ini-args...]
 */

declare(strict_types=1);

require __DIR__ . '/../../php/autoload.php';

use Spiral\Goridge\Frame;
use Spiral\Goridge\StreamRelay;
use Spiral\RoadRunner\Http\Internal\ProtoCodec;

$requests = (int) ($argv[1] ?? 2000);
$runs = (int) ($argv[2] ?? 10);
$phpArgs = \array_slice($argv, 3);

$ctx = [
    'remoteAddr' => '127.0.0.1',
    'protocol' => 'HTTP/1.1',
    'method' => 'GET',
    'uri' => 'http://localhost:8080/?a=1',
    'headers' => ['Accept' => ['*/*'], 'User-Agent' => ['bench/1.0']],
    'cookies' => [],
    'rawQuery' => 'a=1',
    'parsed' => false,
    'uploads' => null,
    'attributes' => (object) [],
];
$json = \json_encode($ctx, \JSON_UNESCAPED_SLASHES);
$proto = ProtoCodec::encodeRequest(\json_decode($json, true));
$frames = [
    'json' => new Frame($json, [\strlen($json)], Frame::CODEC_JSON),
    'proto' => new Frame($proto, [\strlen($proto)], Frame::CODEC_PROTO),
];

$cmd = \array_merge([\PHP_BINARY], $phpArgs, [__DIR__ . '/../../examples/hello/worker.php']);
$proc = \proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => \STDERR], $pipes);
if (!\is_resource($proc)) {
    \fwrite(\STDERR, "cannot start the worker\n");
    exit(1);
}
$relay = new StreamRelay($pipes[1], $pipes[0]);
$relay->send(new Frame('{"pid":' . \getmypid() . '}', [], Frame::CONTROL | Frame::CODEC_JSON));
$hello = $relay->waitFrame();

$best = [];
for ($run = 0; $run < $runs; ++$run) {
    foreach ($frames as $codec => $frame) {
        $start = \hrtime(true);
        for ($i = 0; $i < $requests; ++$i) {
            $relay->send($frame);
            $relay->waitFrame();
        }
        $us = (\hrtime(true) - $start) / 1e3 / $requests;
        $best[$codec] = \min($best[$codec] ?? \INF, $us);
    }
}

$relay->send(new Frame('{"stop":true}', [], Frame::CONTROL | Frame::CODEC_JSON));
\fclose($pipes[0]);
\fclose($pipes[1]);
$exit = \proc_close($proc);

\printf("handshake: %s; worker exit %d; worker args: %s\n", $hello->payload, $exit,
    $phpArgs === [] ? '(none)' : \implode(' ', $phpArgs));
foreach ($best as $codec => $us) {
    \printf("%-6s %8.2f us per round trip (best of %d x %d)\n", $codec, $us, $runs, $requests);
}
