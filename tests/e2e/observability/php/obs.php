<?php
// E2E worker for the observability suite.
//   GET /hello            200 "hello"
//   GET /code?c=404       answers that status
//   GET /wait?fifo=PATH   blocks until a line arrives on the FIFO, then 200 "released"
//   GET /spam?lines=N     writes N lines of 1000 bytes to stderr
//   GET /exit             the worker exits (code 3) mid-request
declare(strict_types=1);

require __DIR__ . '/../../../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

// BOOT_FIFO (env): the worker waits for a line on this FIFO before it starts, so the test
// decides when workers become ready.
if (($boot = \getenv('BOOT_FIFO')) !== false && $boot !== '') {
    $f = \fopen($boot, 'r');
    \fgets($f);
    \fclose($f);
}

$factory = new Psr17Factory();
$psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);

while ($request = $psr7->waitRequest()) {
    $path = $request->getUri()->getPath();
    $query = $request->getQueryParams();
    if ($path === '/code') {
        $psr7->respond(new Response((int) ($query['c'] ?? 200), [], 'code'));
    } elseif ($path === '/exit') {
        exit(3);
    } elseif ($path === '/spam') {
        // `lines` stderr lines of 1000 bytes each: rr logs them on the `server` channel.
        $line = \str_repeat('s', 999) . "\n";
        for ($i = 0, $n = (int) ($query['lines'] ?? 1); $i < $n; $i++) {
            \fwrite(\STDERR, $line);
        }
        $psr7->respond(new Response(200, [], 'spammed'));
    } elseif ($path === '/wait') {
        \fwrite(\STDERR, "waiting on " . $query['fifo'] . "\n");
        $fifo = \fopen((string) $query['fifo'], 'r');
        \fgets($fifo);
        \fclose($fifo);
        $psr7->respond(new Response(200, [], 'released'));
    } else {
        $psr7->respond(new Response(200, [], 'hello'));
    }
}
