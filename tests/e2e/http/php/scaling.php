<?php
// E2E worker for http.io_threads (tests/e2e/http/scaling_e2e_test.cpp). Every answer is the
// worker's PID as text (header X-Pid too), so a test can tell which shard (loop) served it.
//   GET /pid                    at once
//   GET /barrier?dir=D&n=N      creates a file in D, then waits (up to 20 s) until D holds N
//                               files: "<pid> met" when they did, "<pid> alone" when not. Two
//                               requests both "met" ran at the same time.
//   GET /hold?fifo=F&mark=D     creates a file in D (the test waits for it), then waits for a
//                               line on the FIFO F
//   GET /sleep?ms=N             usleep(N ms)
//   GET /chunks?n=N             a streamed answer: N frames "<pid> chunk-<i>\n"
declare(strict_types=1);

require __DIR__ . '/../../../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

$factory = new Psr17Factory();
$psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);
$http = $psr7->getHttpWorker();
$pid = (string) getmypid();

while ($request = $psr7->waitRequest()) {
    $path = $request->getUri()->getPath();
    $query = $request->getQueryParams();
    $body = $pid;
    if ($path === '/barrier') {
        $dir = (string) ($query['dir'] ?? '');
        $n = (int) ($query['n'] ?? 2);
        touch($dir . '/' . $pid . '-' . uniqid('', true));
        $met = false;
        for ($i = 0; $i < 2000 && !$met; $i++) {
            $met = count(glob($dir . '/*')) >= $n;
            if (!$met) usleep(10000);
        }
        $body = $pid . ($met ? ' met' : ' alone');
    } elseif ($path === '/hold') {
        touch(((string) ($query['mark'] ?? '')) . '/' . $pid . '-' . uniqid('', true));
        $in = fopen((string) ($query['fifo'] ?? ''), 'r');
        $line = fgets($in);
        fclose($in);
        $body = $pid . ' ' . trim((string) $line);
    } elseif ($path === '/sleep') {
        usleep(1000 * (int) ($query['ms'] ?? 10));
    } elseif ($path === '/chunks') {
        $n = (int) ($query['n'] ?? 3);
        $http->respond(200, (function () use ($n, $pid) {
            for ($i = 1; $i <= $n; $i++) {
                yield $pid . ' chunk-' . $i . "\n";
            }
            return '';
        })(), ['Content-Type' => ['text/plain'], 'X-Pid' => [$pid]]);
        continue;
    }
    $psr7->respond(new Response(200, ['Content-Type' => 'text/plain', 'X-Pid' => $pid], $body));
}
