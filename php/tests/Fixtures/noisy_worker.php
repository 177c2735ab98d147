<?php
// A worker that prints to stdout and logs while it works: the relay must stay intact.
require __DIR__ . '/../../autoload.php';

use Spiral\RoadRunner\Http\HttpWorker;
use Spiral\RoadRunner\Worker;

$worker = Worker::create();
$http = new HttpWorker($worker);
echo "printed after the worker exists\n";
while ($request = $http->waitRequest()) {
    echo 'echo during request ', $request->method, "\n";
    \printf("printf %d\n", 42);
    \var_dump('dumped');
    $worker->getLogger()->info('handled', ['uri' => $request->uri]);
    $http->respond(200, 'clean body', ['Content-Type' => ['text/plain']]);
}
