<?php
// E2E worker for responses over time:
//   GET /hints            103 Early Hints (Link), then 200
//   GET /stream?fifo=P    chunk 1, then waits for a line on the FIFO P, then chunk 2 and the end
//   GET /endless          chunks until rr stops the stream (client gone); remembers the stop
//   GET /trailers         two frames; X-Checksum announced in Trailer, final value in frame 2
//   GET /big?size=N       N bytes (a repeating pattern) in one frame
//   GET /soft-error       Worker::error(): the request fails, the worker stays
//   GET /bad-status       status 700
//   GET /wait?fifo=P      200 after a line arrives on the FIFO P (a request that hangs)
//   GET /crash-mid-stream chunk 1, then exit(1)
//   GET /no-content       204 (the body PHP gives is dropped)
//   GET /status           200 with the pid and whether the last /endless was stopped
declare(strict_types=1);

require __DIR__ . '/../../../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\RoadRunner\Http\Exception\StreamStoppedException;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

$factory = new Psr17Factory();
$psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);
$http = $psr7->getHttpWorker();
$stopped = 'none';
$pid = (string) getmypid();

while ($request = $psr7->waitRequest()) {
    $path = $request->getUri()->getPath();
    if ($path === '/hints') {
        $http->respond(103, '', ['Link' => ['</a.css>; rel=preload; as=style']], false);
        $http->respond(200, 'final', ['Content-Type' => ['text/plain'], 'X-Pid' => [$pid]]);
    } elseif ($path === '/hop') {
        // Connection-specific fields an HTTP/1 app may set: never sent over HTTP/2.
        $http->respond(200, 'hop', ['Keep-Alive' => ['timeout=5'], 'Upgrade' => ['websocket'],
            'Proxy-Connection' => ['keep-alive'], 'Connection' => ['keep-alive'],
            'X-Kept' => ['yes']]);
    } elseif ($path === '/stream') {
        $fifo = $request->getQueryParams()['fifo'] ?? '';
        $http->respond(200, (function () use ($fifo) {
            yield "chunk-1\n";
            $in = fopen($fifo, 'r');
            $line = fgets($in);
            fclose($in);
            yield 'chunk-2 after ' . trim((string) $line) . "\n";
            return "end\n";
        })(), ['Content-Type' => ['text/plain'], 'X-Pid' => [$pid]]);
    } elseif ($path === '/endless') {
        $stopped = 'running';
        $http->respond(200, (function () use (&$stopped) {
            try {
                for ($i = 0; $i < 1000000; $i++) {
                    yield str_repeat('z', 1024) . "\n";
                }
                $stopped = 'completed';
            } catch (StreamStoppedException) {
                $stopped = 'stopped';
            }
            return '';
        })(), ['Content-Type' => ['text/plain'], 'X-Pid' => [$pid]]);
    } elseif ($path === '/trailers') {
        $http->respond(200, "part-1\n", [
            'Trailer' => ['X-Checksum'],
            'X-Checksum' => ['pending'],
            'Content-Type' => ['text/plain'],
        ], false);
        $http->respond(200, "part-2\n", ['X-Checksum' => ['final-value']]);
    } elseif ($path === '/big') {
        $size = (int) ($request->getQueryParams()['size'] ?? 0);
        $pattern = implode('', array_map('chr', range(0, 255)));
        $body = substr(str_repeat($pattern, intdiv($size, 256) + 1), 0, $size);
        $http->respond(200, $body, ['X-Sha1' => [sha1($body)]]);
    } elseif ($path === '/wait') {
        $in = fopen($request->getQueryParams()['fifo'] ?? '', 'r');
        $line = fgets($in);
        fclose($in);
        $psr7->respond(new Response(200, ['X-Pid' => $pid], 'waited ' . trim((string) $line)));
    } elseif ($path === '/crash-mid-stream') {
        $http->respond(200, (function () {
            yield "chunk-1\n";
            exit(1);
        })());
    } elseif ($path === '/no-content') {
        $http->respond(204, 'dropped', ['X-Pid' => [$pid]]);
    } elseif ($path === '/soft-error') {
        $psr7->getWorker()->error('soft failure from PHP <b>&</b>');
    } elseif ($path === '/bad-status') {
        $http->respond(700, 'odd');
    } else {
        $psr7->respond(new Response(200, ['X-Pid' => $pid, 'X-Last-Stream' => $stopped], 'ok'));
    }
}
