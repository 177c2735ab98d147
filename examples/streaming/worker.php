<?php
// Streamed responses two ways: PSR7Worker::$chunkSize splits a large PSR-7 body into frames,
// and HttpWorker::respond() with a Generator sends each yielded value as its own chunk.
require __DIR__ . '/../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

$factory = new Psr17Factory();
$psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);
$psr7->chunkSize = 8 * 1024;

while ($request = $psr7->waitRequest()) {
    if ($request->getUri()->getPath() === '/generator') {
        // GET /generator: five lines, each flushed to the client as it is produced.
        $psr7->getHttpWorker()->respond(200, (function () {
            for ($i = 1; $i <= 5; $i++) {
                yield "line $i\n";
            }
            return "done\n";
        })(), ['Content-Type' => ['text/plain']]);
        continue;
    }
    // Any other path: a 64 KiB body sent in 8 KiB frames.
    $psr7->respond(new Response(200, ['Content-Type' => 'text/plain'], str_repeat('x', 64 * 1024)));
}
