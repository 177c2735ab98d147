<?php
// Control-plane e2e worker: answers every request with its PID (body and X-Pid) and the RPC
// address it was given, so tests see which worker served them.
declare(strict_types=1);

require __DIR__ . '/../../../../php/autoload.php';

use Spiral\RoadRunner\Environment;
use Spiral\RoadRunner\Http\HttpWorker;
use Spiral\RoadRunner\Worker;

$http = new HttpWorker(Worker::create());
$rpc = Environment::fromGlobals()->getRPCAddress();
while ($request = $http->waitRequest()) {
    $body = json_encode(['pid' => getmypid(), 'rpc' => $rpc, 'uri' => $request->uri]);
    $http->respond(200, $body, [
        'Content-Type' => ['application/json'],
        'X-Pid' => [(string) getmypid()],
    ]);
}
