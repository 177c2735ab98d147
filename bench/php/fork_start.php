<?php
/**
 * Worker start cost: a fresh `php` process vs a child forked from an already booted template
 * (the preload model of Unicorn / gunicorn --preload), for docs/pool.md "Forked workers
 * (investigation)". Not used by the server.
 *
 *   php [-d opcache.enable_cli=1] bench/php/fork_start.php <rounds> <starts per round> [jobs]
 *
 * "Boot" = what examples/hello does before its first waitRequest(): the autoloader, the
 * Worker, a PSR-17 factory and PSR7Worker, plus one Response (so the classes a request needs
 * are loaded). A started worker then serves `JOBS` fake requests (building a Response each) so
 * that copy-on-write page faults of a forked child are part of its cost, and exits.
 *
 * fresh: proc_open(php boot) per start; ready = the child printed "ready".
 * fork:  this process boots once (the template), then pcntl_fork() per start; the child runs
 *        the same jobs and exits. ready = the child wrote to a pipe.
 * Per start: wall time to ready (µs), CPU of the child (user+sys from RUSAGE_CHILDREN) and its
 * memory after the jobs (RSS and PSS from /proc/self/smaps_rollup: PSS counts pages shared with
 * the template or other children as a share).
 * Rounds alternate fresh/fork so machine drift hits both alike. With FAST_EXIT=1 in the
 * environment every worker ends with SIGKILL to itself instead of PHP's shutdown, so the CPU
 * column is the start (+ jobs) alone: PHP's shutdown frees the whole heap, which in a forked
 * child means copy-on-write faults on pages it never wrote before.
 */

declare(strict_types=1);


$root = \dirname(__DIR__, 2);

function boot(string $root): array
{
    require_once $root . '/php/autoload.php';
    $worker = new \Spiral\RoadRunner\Worker(new \Spiral\Goridge\StreamRelay(\STDIN, \STDOUT));
    $factory = new \Nyholm\Psr7\Factory\Psr17Factory();
    $psr7 = new \Spiral\RoadRunner\Http\PSR7Worker($worker, $factory, $factory, $factory);
    $r = new \Nyholm\Psr7\Response(200, [], 'warm');
    return [$worker, $factory, $psr7, $r];
}

function jobs(): int
{
    $n = 0;
    for ($i = 0; $i < JOBS; ++$i) {
        $r = new \Nyholm\Psr7\Response(200, ['Content-Type' => 'text/plain'], 'Hello ' . $i);
        $n += \strlen((string) $r->getBody());
    }
    return $n;
}

function mem_line(): string
{
    $rss = $pss = 0;
    foreach (\file('/proc/self/smaps_rollup') ?: [] as $l) {
        if (\preg_match('/^(Rss|Pss):\s+(\d+)/', $l, $m)) {
            $m[1] === 'Rss' ? $rss = (int) $m[2] : $pss = (int) $m[2];
        }
    }
    return "mem $rss $pss\n";
}

function finish(): void
{
    if (\getenv('FAST_EXIT') === '1') {
        \posix_kill(\posix_getpid(), \SIGKILL);
    }
    exit(0);
}

function child_cpu_us(): float
{
    $u = \getrusage(1);
    return $u['ru_utime.tv_sec'] * 1e6 + $u['ru_utime.tv_usec'] + $u['ru_stime.tv_sec'] * 1e6
        + $u['ru_stime.tv_usec'];
}

if (($argv[1] ?? '') === '--child') {
    \define('JOBS', (int) ($argv[2] ?? 200));
    boot($root);
    \fwrite(\STDERR, "ready\n");
    jobs();
    \fwrite(\STDERR, mem_line());
    finish();
}

$rounds = (int) ($argv[1] ?? 5);
\define('JOBS', (int) ($argv[3] ?? 200));
$per = (int) ($argv[2] ?? 20);
$php = [\PHP_BINARY];
foreach (['opcache.enable_cli', 'opcache.jit', 'opcache.jit_buffer_size', 'opcache.file_cache'] as $k) {
    $v = \ini_get($k);
    if ($v !== false && $v !== '') {
        $php[] = '-d';
        $php[] = "$k=$v";
    }
}

function fresh(array $php, string $script): array
{
    $cpu0 = child_cpu_us();
    $t0 = \hrtime(true);
    $p = \proc_open([...$php, $script, '--child', (string) JOBS], [0 => ['file', '/dev/null', 'r'],
        1 => ['file', '/dev/null', 'w'], 2 => ['pipe', 'w']], $pipes);
    \fgets($pipes[2]);
    $ready = (\hrtime(true) - $t0) / 1e3;
    $mem = \explode(' ', \trim((string) \fgets($pipes[2])));
    \fclose($pipes[2]);
    \proc_close($p);
    return [$ready, child_cpu_us() - $cpu0, (int) ($mem[1] ?? 0), (int) ($mem[2] ?? 0)];
}

function forked(): array
{
    $cpu0 = child_cpu_us();
    [$r, $w] = \stream_socket_pair(\STREAM_PF_UNIX, \STREAM_SOCK_STREAM, \STREAM_IPPROTO_IP);
    $t0 = \hrtime(true);
    $pid = \pcntl_fork();
    if ($pid === 0) {
        \fclose($r);
        // A real forked worker would open its own relay here (the template's stdin/stdout
        // belong to the template): that is a socket connect, not measured.
        \fwrite($w, "ready\n");
        jobs();
        \fwrite($w, mem_line());
        finish();
    }
    \fclose($w);
    \fgets($r);
    $ready = (\hrtime(true) - $t0) / 1e3;
    $mem = \explode(' ', \trim((string) \fgets($r)));
    \fclose($r);
    \pcntl_waitpid($pid, $status);
    return [$ready, child_cpu_us() - $cpu0, (int) ($mem[1] ?? 0), (int) ($mem[2] ?? 0)];
}

$template = boot($root);  // the fork parent is booted once
$stats = ['fresh' => [[], [], [], []], 'fork' => [[], [], [], []]];
for ($round = 0; $round < $rounds; ++$round) {
    $order = $round % 2 === 0 ? ['fresh', 'fork'] : ['fork', 'fresh'];
    foreach ($order as $mode) {
        for ($i = 0; $i < $per; ++$i) {
            $one = $mode === 'fresh' ? fresh($php, __FILE__) : forked();
            foreach ($one as $k => $v) {
                $stats[$mode][$k][] = $v;
            }
        }
    }
}

function median(array $a): float
{
    \sort($a);
    $n = \count($a);
    return $n % 2 ? $a[intdiv($n, 2)] : ($a[$n / 2 - 1] + $a[$n / 2]) / 2;
}

\printf("opcache.enable_cli=%s, %d rounds x %d starts per mode, %d jobs per worker, %s\n",
    \ini_get('opcache.enable_cli') ?: '0', $rounds, $per, JOBS,
    \getenv('FAST_EXIT') === '1' ? 'exit by SIGKILL' : 'normal exit');
\printf("%-6s %13s %13s %17s %12s %12s\n", 'mode', 'ready µs p50', 'ready µs max',
    'child CPU µs p50', 'RSS KiB p50', 'PSS KiB p50');
foreach ($stats as $mode => [$ready, $cpu, $rss, $pss]) {
    \printf("%-6s %13.0f %13.0f %17.0f %12.0f %12.0f\n", $mode, median($ready), \max($ready),
        median($cpu), median($rss), median($pss));
}
\printf("fork / fresh: ready %.3f, CPU %.3f\n", median($stats['fork'][0]) / median($stats['fresh'][0]),
    median($stats['fork'][1]) / median($stats['fresh'][1]));
