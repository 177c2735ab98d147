<?php
/**
 * Worker of the fault suite (tests/faults/faults.py). Routes by path:
 *   /            "ok"
 *   /sleep?ms=N  answers after N ms (keeps requests in flight for kill storms and stops)
 *   /hang        never answers (exec_ttl kills the worker)
 *   /leak?mb=N   keeps N more MB for the worker's life (max_worker_memory recycles it)
 *   /garbage     writes junk to STDOUT, which is the pipes relay, before answering
 *   /big?kb=N    an N KB body (slow readers)
 *   /stream?n=N  N chunks of 1 KB, 10 ms apart (aborted mid-stream by clients)
 *   /upload      JSON: name, size and error of every uploaded file
 * Every answer carries X-Pid.
 */

declare(strict_types=1);

require __DIR__ . '/../../../php/autoload.php';

use Spiral\RoadRunner\Http\HttpWorker;
use Spiral\RoadRunner\Worker;

$http = new HttpWorker(Worker::create());
$hoard = [];

function flatten_uploads(array $uploads, array &$out): void
{
    foreach ($uploads as $name => $u) {
        if (is_array($u) && array_key_exists('error', $u) && !is_array($u['error'])) {
            $out[] = ['field' => (string) $name, 'size' => $u['size'] ?? 0, 'error' => $u['error']];
            if (isset($u['tmpName']) && is_string($u['tmpName']) && $u['tmpName'] !== '') {
                // Prove the file is readable while the request runs; rr removes it afterwards.
                $out[count($out) - 1]['readable'] = is_readable($u['tmpName']);
            }
        } elseif (is_array($u)) {
            flatten_uploads($u, $out);
        }
    }
}

while ($req = $http->waitRequest()) {
    $path = parse_url($req->uri, PHP_URL_PATH) ?: '/';
    $q = $req->query;
    $headers = ['X-Pid' => [(string) getmypid()]];
    switch ($path) {
        case '/sleep':
            usleep(1000 * (int) ($q['ms'] ?? 10));
            $http->respond(200, 'slept', $headers);
            break;
        case '/hang':
            sleep(3600);
            break;
        case '/leak':
            $hoard[] = str_repeat('x', ((int) ($q['mb'] ?? 1)) << 20);
            $http->respond(200, 'held ' . count($hoard), $headers);
            break;
        case '/garbage':
            fwrite(STDOUT, "Warning: a stray echo from the application\n");
            fflush(STDOUT);
            $http->respond(200, 'after garbage', $headers);
            break;
        case '/big':
            $http->respond(200, str_repeat('b', 1024 * (int) ($q['kb'] ?? 1024)), $headers);
            break;
        case '/stream':
            $n = (int) ($q['n'] ?? 100);
            $http->respond(200, (function () use ($n) {
                for ($i = 0; $i < $n; $i++) {
                    yield str_repeat('s', 1024);
                    usleep(10000);
                }
                return '';
            })(), $headers);
            break;
        case '/upload':
            $files = [];
            flatten_uploads($req->uploads, $files);
            $http->respond(200, json_encode(['files' => $files, 'body' => strlen($req->body)]),
                $headers + ['Content-Type' => ['application/json']]);
            break;
        default:
            $http->respond(200, 'ok', $headers);
    }
}
