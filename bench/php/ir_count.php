<?php

/**
 * Runs one case/phase of cases.php $n times, for ir_per_request.sh (under callgrind). One
 * decode runs first so that every phase starts with the case's codec selected.
 *
 * Usage: php ir_count.php <scenario/codec> <phase> <n>
 */

declare(strict_types=1);

['cases' => $cases] = require __DIR__ . '/cases.php';

[, $case, $phase, $n] = $argv + [null, 'wrk/json', 'psr7', '1000'];
if (!isset($cases[$case][$phase])) {
    \fwrite(\STDERR, "unknown case/phase: $case $phase\n");
    exit(2);
}
$cases[$case]['decode'](1);
$cases[$case][$phase]((int) $n);
