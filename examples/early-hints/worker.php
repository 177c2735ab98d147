<?php
// 103 Early Hints, then the final 200: the interim response carries only its own headers.
require __DIR__ . '/../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

$factory = new Psr17Factory();
$psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);

while ($request = $psr7->waitRequest()) {
    $psr7->getHttpWorker()->respond(103, '', ['Link' => ['</style.css>; rel=preload; as=style']], false);
    $psr7->respond(new Response(200, ['Content-Type' => 'text/html'], '<link rel="stylesheet" href="/style.css">hi'));
}
