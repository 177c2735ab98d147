<?php
// E2E worker for the form-size limits: answers the size of each parsed form value, so a
// multi-megabyte form does not have to travel back.
declare(strict_types=1);

require __DIR__ . '/../../../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

$factory = new Psr17Factory();
$psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);
while ($request = $psr7->waitRequest()) {
    $sizes = [];
    foreach ((array) $request->getParsedBody() as $key => $value) {
        $sizes[$key] = is_string($value) ? strlen($value) : -1;
    }
    $psr7->respond(new Response(200, ['Content-Type' => 'application/json'], json_encode($sizes)));
}
