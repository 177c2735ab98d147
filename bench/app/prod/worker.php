<?php
// rr's worker in the production profile (bench/production.sh): the canonical PSR-7 loop, routing
// /api/... to the JSON page and everything else to "Hello" (text/plain), as public/index.php does
// for php-fpm and mod_php.
require __DIR__ . '/../../../php/autoload.php';
require __DIR__ . '/api.php';

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
        if (str_starts_with($request->getUri()->getPath(), '/api/')) {
            $psr7->respond(new Response(200, ['Content-Type' => 'application/json'], bench_api_items()));
        } else {
            $psr7->respond(new Response(200, ['Content-Type' => 'text/plain'], 'Hello'));
        }
    } catch (\Throwable $e) {
        $psr7->respond(new Response(500, [], 'Something Went Wrong!'));
        $psr7->getWorker()->error((string) $e);
    }
}
