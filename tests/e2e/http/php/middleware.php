<?php
// E2E worker for the middleware suites (tests/e2e/middleware/). Counts the requests it
// serves, so a test can prove a request never reached PHP:
//   GET /count                 body: how many requests this worker has served (this one too)
//   GET /json?size=N           an N-byte JSON document (application/json)
//   GET /tiny                  a 5-byte text body
//   GET /ip-*                  "ip:" + the client address PHP sees (REMOTE_ADDR)
//   GET /stream?fifo=P         text/plain stream: "chunk-1\n", then waits for a line on the
//                              FIFO P, then "chunk-2 <line>\n" and the end
//   GET /sendfile?path=P       X-Sendfile: P (Content-Type: application/x-test), body ignored
//   GET /sendfile-stream?path=P  the same header on the first frame of a streamed response
//   GET /hints-sendfile?path=P  103 Early Hints, then X-Sendfile: P
//   anything else              "php:<path>" with X-Count
declare(strict_types=1);

require __DIR__ . '/../../../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

$factory = new Psr17Factory();
$psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);
$http = $psr7->getHttpWorker();
$count = 0;

while ($request = $psr7->waitRequest()) {
    $count++;
    $path = $request->getUri()->getPath();
    $query = $request->getQueryParams();
    if ($path === '/count') {
        $psr7->respond(new Response(200, ['Content-Type' => 'text/plain'], (string) $count));
    } elseif ($path === '/json') {
        $size = (int) ($query['size'] ?? 1000);
        $items = [];
        $length = 2;
        for ($i = 0; $length < $size; $i++) {
            $item = json_encode(['id' => $i, 'name' => 'item ' . $i, 'tags' => ['a', 'b']]);
            $items[] = $item;
            $length += strlen($item) + 1;
        }
        $body = substr('[' . implode(',', $items) . ']', 0, max($size, 2));
        $psr7->respond(new Response(200, ['Content-Type' => 'application/json'], $body));
    } elseif (str_starts_with($path, '/ip-')) {
        $psr7->respond(new Response(200, [], 'ip:' . ($request->getServerParams()['REMOTE_ADDR'] ?? '')));
    } elseif ($path === '/tiny') {
        $psr7->respond(new Response(200, ['Content-Type' => 'text/plain'], 'small'));
    } elseif ($path === '/stream') {
        $fifo = $query['fifo'] ?? '';
        $http->respond(200, (function () use ($fifo) {
            yield "chunk-1\n";
            $in = fopen($fifo, 'r');
            $line = fgets($in);
            fclose($in);
            yield 'chunk-2 ' . trim((string) $line) . "\n";
            return '';
        })(), ['Content-Type' => ['text/plain']]);
    } elseif ($path === '/sendfile') {
        $psr7->respond(new Response(200, [
            'X-Sendfile' => $query['path'] ?? '',
            'Content-Type' => 'application/x-test',
        ], 'php body that must not be sent'));
    } elseif ($path === '/sendfile-stream') {
        $http->respond(200, (function () {
            yield 'ignored-1';
            yield 'ignored-2';
            return '';
        })(), ['X-Sendfile' => [$query['path'] ?? '']]);
    } elseif ($path === '/hints-sendfile') {
        $http->respond(103, '', ['Link' => ['</a.css>; rel=preload']], false);
        $http->respond(200, 'ignored', ['X-Sendfile' => [$query['path'] ?? '']]);
    } else {
        $psr7->respond(new Response(200, ['X-Count' => (string) $count], 'php:' . $path));
    }
}
