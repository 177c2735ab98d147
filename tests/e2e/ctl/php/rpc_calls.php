<?php
// Calls every control-plane RPC method with our PHP library (Spiral\Goridge\RPC\RPC, JSON
// codec, as applications do) against the rr at $argv[1], and prints one JSON object: for each
// call {"ok": <decoded reply>} or {"error": <ServiceException message>}.
declare(strict_types=1);

require __DIR__ . '/../../../../php/autoload.php';

use Spiral\Goridge\RPC\Exception\ServiceException;
use Spiral\Goridge\RPC\RPC;

$rpc = RPC::create($argv[1]);
$out = [];
$call = static function (string $method, mixed $argument) use ($rpc): array {
    try {
        return ['ok' => $rpc->call($method, $argument)];
    } catch (ServiceException $e) {
        return ['error' => $e->getMessage()];
    }
};

$out['informer.List'] = $call('informer.List', true);
$out['informer.Workers'] = $call('informer.Workers', 'http');
$out['informer.Workers nope'] = $call('informer.Workers', 'nope');
$out['resetter.List'] = $call('resetter.List', true);
$out['rpc.Version'] = $call('rpc.Version', true);
$out['rpc.Config'] = $call('rpc.Config', true);
$out['informer.AddWorker'] = $call('informer.AddWorker', 'http');
$out['workers after add'] = $call('informer.Workers', 'http');
$out['informer.RemoveWorker'] = $call('informer.RemoveWorker', 'http');
$out['workers after remove'] = $call('informer.Workers', 'http');
$out['informer.AddWorker nope'] = $call('informer.AddWorker', 'nope');
$out['resetter.Reset'] = $call('resetter.Reset', 'http');
$out['workers after reset'] = $call('informer.Workers', 'http');
$out['resetter.Reset nope'] = $call('resetter.Reset', 'nope');
$out['unknown method'] = $call('informer.Nope', true);
// The prefix form PHP packages use: withServicePrefix('informer')->call('workers', ...).
$out['prefixed'] = ['ok' => $rpc->withServicePrefix('informer')->call('workers', 'http')];

echo json_encode($out, JSON_UNESCAPED_SLASHES), "\n";
