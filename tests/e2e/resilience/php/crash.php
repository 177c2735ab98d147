<?php
// E2E worker for safe retry: `X-Crash: once:<file>` makes the first worker that sees the request
// die before answering (it leaves <file> behind, so the next attempt answers); `X-Crash:
// always:<file>` appends a line to <file> and dies every time (counts the attempts).
declare(strict_types=1);

require __DIR__ . '/../../../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

$factory = new Psr17Factory();
$psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);
while ($request = $psr7->waitRequest()) {
    $crash = $request->getHeaderLine('X-Crash');
    if (str_starts_with($crash, 'once:')) {
        $marker = substr($crash, 5);
        if (!file_exists($marker)) {
            touch($marker);
            exit(1);
        }
    } elseif (str_starts_with($crash, 'always:')) {
        file_put_contents(substr($crash, 7), "attempt\n", FILE_APPEND);
        exit(1);
    }
    $psr7->respond(new Response(200, [], 'answered by pid ' . getmypid() . ', body ' .
        strlen((string) $request->getBody())));
}
