<?php
// Multipart uploads: each file arrives as a PSR-7 UploadedFileInterface backed by a temp file
// that rr deletes after the response. Answers a JSON summary of fields and files.
require __DIR__ . '/../../php/autoload.php';

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Psr\Http\Message\UploadedFileInterface;
use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

function describe(array $files): array
{
    $out = [];
    foreach ($files as $key => $file) {
        if ($file instanceof UploadedFileInterface) {
            $out[$key] = [
                'name' => $file->getClientFilename(),
                'size' => $file->getSize(),
                'error' => $file->getError(),
                'sha1' => $file->getError() === UPLOAD_ERR_OK ? sha1((string) $file->getStream()) : null,
            ];
        } else {
            $out[$key] = describe($file);
        }
    }
    return $out;
}

$factory = new Psr17Factory();
$psr7 = new PSR7Worker(Worker::create(), $factory, $factory, $factory);

while ($request = $psr7->waitRequest()) {
    $body = json_encode([
        'fields' => $request->getParsedBody(),
        'files' => describe($request->getUploadedFiles()),
    ], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES);
    $psr7->respond(new Response(200, ['Content-Type' => 'application/json'], $body . "\n"));
}
