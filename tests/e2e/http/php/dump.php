<?php
// E2E worker: answers a JSON description of the PSR-7 request it got, so the test can check
// what rr delivered. GET /crash ends the process with exit(1) mid-request.
declare(strict_types=1);

require __DIR__ . '/../../../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Psr\Http\Message\UploadedFileInterface;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

/** Upload tree → the same tree of file descriptions; the contents are read here, in PHP. */
function describe_files(array $files): array
{
    $out = [];
    foreach ($files as $key => $file) {
        if (!$file instanceof UploadedFileInterface) {
            $out[$key] = describe_files($file);
            continue;
        }
        $ok = $file->getError() === UPLOAD_ERR_OK;
        $contents = $ok ? (string) $file->getStream() : '';
        $out[$key] = [
            'name' => $file->getClientFilename(),
            'mime' => $file->getClientMediaType(),
            'size' => $file->getSize(),
            'error' => $file->getError(),
            'sha1' => sha1($contents),
            'length' => strlen($contents),
            'tmp' => $ok ? $file->getStream()->getMetadata('uri') : null,
        ];
    }
    return $out;
}

$factory = new Psr17Factory();
$psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);
$served = 0;

while ($request = $psr7->waitRequest()) {
    $served++;
    if ($request->getUri()->getPath() === '/crash') {
        exit(1);
    }
    $body = (string) $request->getBody();
    $answer = [
        'pid' => getmypid(),
        'served' => $served,
        'method' => $request->getMethod(),
        'uri' => (string) $request->getUri(),
        'protocol' => $request->getProtocolVersion(),
        'remote_addr' => $request->getServerParams()['REMOTE_ADDR'] ?? null,
        'query' => $request->getQueryParams(),
        'cookies' => $request->getCookieParams(),
        'headers' => $request->getHeaders(),
        'parsed' => $request->getParsedBody(),
        'files' => describe_files($request->getUploadedFiles()),
        'body' => strlen($body) <= 65536 ? base64_encode($body) : null,
        'body_sha1' => sha1($body),
        'body_length' => strlen($body),
        'json' => json_decode($body, true),
    ];
    $json = json_encode($answer, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE);
    $psr7->respond(new Response(200, [
        'Content-Type' => 'application/json',
        'X-Pid' => (string) getmypid(),
        'Set-Cookie' => ['first=1; Path=/', 'second=2; HttpOnly'],
    ], $json));
}
