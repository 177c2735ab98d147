<?php
// Benchmark PSR-7 worker: the canonical spiral/roadrunner-http loop (as examples/hello), answering
// `Hello` with Content-Type: text/plain, as ../../shared/bench/PROTOCOL.md asks of every target.
require __DIR__ . '/../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

$worker = Worker::create();
$factory = new Psr17Factory();
$psr7 = new PSR7Worker($worker, $factory, $factory, $factory);

while (true) {
    try {
        $request = $psr7->waitRequest();
        if ($request === null) {
            break;
        }
    } catch (\Throwable $e) {
        $psr7->respond(new Response(400));
        continue;
    }
    try {
        $psr7->respond(new Response(200, ['Content-Type' => 'text/plain'], 'Hello'));
    } catch (\Throwable $e) {
        $psr7->respond(new Response(500, [], 'Something Went Wrong!'));
        $psr7->getWorker()->error((string) $e);
    }
}
