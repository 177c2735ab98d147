<?php
// HTTP worker for the tests against a real rr: answers each request with its PID and the RPC
// address Environment gives it (RR_RPC), as JSON.
declare(strict_types=1);

require __DIR__ . '/../../autoload.php';

use Spiral\RoadRunner\Environment;
use Spiral\RoadRunner\Http\HttpWorker;
use Spiral\RoadRunner\Worker;

$http = new HttpWorker(Worker::create());
while ($request = $http->waitRequest()) {
    $http->respond(200, \json_encode([
        'pid' => \getmypid(),
        'rpc' => Environment::fromGlobals()->getRPCAddress(),
        'mode' => Environment::fromGlobals()->getMode(),
    ]), ['Content-Type' => ['application/json']]);
}
