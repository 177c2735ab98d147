<?php
// E2E worker for the observability suite.
//   GET /hello            200 "hello"
//   GET /code?c=404       answers that status
//   GET /wait?fifo=PATH   blocks until a line arrives on the FIFO, then 200 "released"
//   GET /spam?lines=N     writes N lines of 1000 bytes to stderr
//   GET /exit             the worker exits (code 3) mid-request
//   GET /app-metrics?n=N  declares and updates metrics over RPC (spiral/roadrunner-metrics API)
declare(strict_types=1);

require __DIR__ . '/../../../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\Goridge\RPC\RPC;
use Spiral\RoadRunner\Environment;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Metrics\Collector;
use Spiral\RoadRunner\Metrics\Metrics;
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
    } elseif ($path === '/app-metrics') {
        // The application's own metrics through spiral/roadrunner-metrics' API (our copy) over
        // RPC: declared here (a second declare of the same name is accepted), then updated.
        $metrics = new Metrics(RPC::create(Environment::fromGlobals()->getRPCAddress()));
        $metrics->declare('app_orders', Collector::counter()->withHelp('Orders placed.')->withLabels('kind'));
        $metrics->declare('app_latency', Collector::histogram(0.1, 0.5, 1.0)->withLabels('kind'));
        $metrics->declare('app_queue', Collector::gauge()->withNamespace('shop'));
        $metrics->add('app_orders', (float) ($query['n'] ?? 1), ['web']);
        $metrics->observe('app_latency', 0.3, ['web']);
        $metrics->set('app_queue', 7);
        $metrics->sub('app_queue', 2);
        $psr7->respond(new Response(200, [], 'measured'));
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
