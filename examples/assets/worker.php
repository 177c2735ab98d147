<?php
// A small PSR-7 app behind the static, gzip, headers and sendfile middleware (.rr.yaml):
//   GET /api/items             a JSON list (compressed by the gzip middleware when asked for)
//   GET /download/<name>       X-Sendfile of storage/<name>: rr sends the file, PHP is free
//   anything else              a short HTML page
// Static files under public/ never reach this worker.
require __DIR__ . '/../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

$factory = new Psr17Factory();
$psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);

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
        $path = $request->getUri()->getPath();
        if ($path === '/api/items') {
            $items = [];
            for ($i = 1; $i <= 200; $i++) {
                $items[] = ['id' => $i, 'name' => "Item $i", 'price' => $i * 1.5];
            }
            $psr7->respond(new Response(200, [
                'Content-Type' => 'application/json',
                'X-Total-Count' => (string) count($items),
            ], json_encode($items)));
        } elseif (str_starts_with($path, '/download/')) {
            $name = basename($path);
            $psr7->respond(new Response(200, [
                'X-Sendfile' => __DIR__ . '/storage/' . $name,
                'Content-Type' => 'text/plain; charset=utf-8',
                'Content-Disposition' => 'attachment; filename="' . $name . '"',
            ]));
        } else {
            $psr7->respond(new Response(200, ['Content-Type' => 'text/html; charset=utf-8'],
                '<!doctype html><link rel="stylesheet" href="/css/site.css">'
                . '<script src="/js/app.js"></script><h1>rr assets example</h1>'));
        }
    } catch (\Throwable $e) {
        $psr7->respond(new Response(500, [], 'Something Went Wrong!'));
        $psr7->getWorker()->error((string) $e);
    }
}
