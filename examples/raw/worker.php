<?php
// Raw HttpWorker example: answers a fixed string without building PSR-7 objects. Next to the
// PSR-7 hello world (examples/hello) it separates the server's own cost from PSR-7's: the
// difference between the two is the time spent in nyholm's ServerRequest/Response.
require __DIR__ . '/../../php/autoload.php';

use Spiral\RoadRunner\Http\HttpWorker;
use Spiral\RoadRunner\Worker;

$http = new HttpWorker(Worker::create());
$headers = ['Content-Type' => ['text/plain']];

while (true) {
    try {
        $request = $http->waitRequest();
    } catch (\Throwable $e) {
        $http->respond(400, 'Bad Request');
        continue;
    }
    if ($request === null) {
        break;
    }
    $http->respond(200, 'Hello', $headers);
}
