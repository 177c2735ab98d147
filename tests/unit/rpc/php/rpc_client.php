<?php

/**
 * Drives our PHP RPC client (php/src/Goridge/RPC) against the test server of
 * tests/unit/rpc/php_client_test.cpp and prints what came back as one JSON object.
 *
 * Usage: php rpc_client.php <path to php/autoload.php> <relay address>
 */

declare(strict_types=1);

require $argv[1];

use Spiral\Goridge\Relay;
use Spiral\Goridge\RPC\Codec\RawCodec;
use Spiral\Goridge\RPC\Exception\ServiceException;
use Spiral\Goridge\RPC\RPC;

$rpc = new RPC(Relay::create($argv[2]));
$out = [];

$out['json'] = $rpc->call('Echo.Json', ['a' => 1, 'list' => [true, null, 'x'], 'f' => 1.5]);
$out['prefixed'] = $rpc->withServicePrefix('Echo')->call('json', 'via prefix');
$raw = $rpc->withCodec(new RawCodec())->call('Echo.Raw', "\x00bin\xff");
$out['raw_b64'] = base64_encode($raw);
$out['bytes_as_json'] = $rpc->call('Echo.Raw', base64_encode('hello'));

try {
    $rpc->call('Test.Fail', 'x');
    $out['fail'] = 'no exception';
} catch (ServiceException $e) {
    $out['fail'] = $e->getMessage();
}
try {
    $rpc->call('Nope.Method', null);
    $out['unknown'] = 'no exception';
} catch (ServiceException $e) {
    $out['unknown'] = $e->getMessage();
}
// The connection is still in sync after errors.
$out['after'] = $rpc->call('Echo.Json', 'after errors');

echo json_encode($out, JSON_THROW_ON_ERROR), "\n";
