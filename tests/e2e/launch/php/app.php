<?php
// The launch-parity worker: the canonical PSR-7 loop (our php/ library on Debian's
// nyholm/psr7), answering with what a framework would read from its environment, so the
// tests can check what `rr` gave the worker. It writes one line to stderr at boot, as apps do.
declare(strict_types=1);

require getenv('RR_TEST_AUTOLOAD') ?: __DIR__ . '/../../../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

fwrite(STDERR, "worker booted\n");

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
    $env = [];
    foreach (['RR_MODE', 'RR_RELAY', 'RR_RPC', 'RR_VERSION', 'APP_RUNTIME', 'APP_ENV',
              'APP_BASE_PATH', 'LARAVEL_OCTANE', 'APP_DEBUG'] as $name) {
        $env[$name] = getenv($name) === false ? null : getenv($name);
    }
    $body = json_encode(['path' => $request->getUri()->getPath(), 'env' => $env]);
    $psr7->respond(new Response(200, ['Content-Type' => 'application/json'], $body));
}
