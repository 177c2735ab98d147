<?php

/**
 * Micro-benchmark of the PHP library's per-request path (wall time, µs per request); the
 * scenarios and phases are described in cases.php. For counts that do not depend on the load
 * of the machine use ir_per_request.sh (callgrind instructions) instead.
 *
 * Usage: php http_codec_bench.php [iterations-per-run=2000] [runs=30]
 * (run.sh runs it without opcache, with opcache, and with opcache + JIT). Cases are
 * interleaved run by run and the best run of each is kept, so that load from other processes
 * on the machine hits all cases alike.
 */

declare(strict_types=1);

['contexts' => $contexts, 'cases' => $cases] = require __DIR__ . '/cases.php';

$iterations = (int) ($argv[1] ?? 2000);
$runs = (int) ($argv[2] ?? 30);

/** µs per iteration of one timed run, after a short warm-up (which also lets the JIT trace). */
function measure(callable $fn, int $iterations): float
{
    $fn(\intdiv($iterations, 10));
    $start = \hrtime(true);
    $fn($iterations);
    return (\hrtime(true) - $start) / 1e3 / $iterations;
}

$opcache = \function_exists('opcache_get_status') ? (\opcache_get_status(false) ?: []) : [];
$mode = empty($opcache['opcache_enabled']) ? 'no-opcache'
    : (empty($opcache['jit']['on']) ? 'opcache' : 'opcache+jit');

$results = [];
for ($run = 0; $run < $runs; ++$run) {
    foreach ($cases as $case => $phases) {
        foreach ($phases as $phase => $fn) {
            $t = measure($fn, $iterations);
            $results[$case][$phase] = \min($results[$case][$phase] ?? \INF, $t);
        }
    }
}

$sizes = [];
foreach ($contexts as $name => $bytes) {
    $sizes[] = \sprintf('%s json %d, proto %d', $name, $bytes['json'], $bytes['proto']);
}
$phaseNames = \array_keys(\reset($cases));
\printf(
    "%-12s %-14s" . \str_repeat(' %10s', \count($phaseNames))
        . "   (µs; context bytes: %s; best of %d runs x %d; PHP %s)\n",
    'mode',
    'case',
    ...[...$phaseNames, \implode('; ', $sizes), $runs, $iterations, \PHP_VERSION],
);
foreach ($results as $case => $r) {
    \printf(
        "%-12s %-14s" . \str_repeat(' %10.2f', \count($phaseNames)) . "\n",
        $mode,
        $case,
        ...\array_values($r),
    );
}
