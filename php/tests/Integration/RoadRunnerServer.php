<?php

declare(strict_types=1);

namespace Rr\Tests\Integration;

use PHPUnit\Framework\Assert;
use PHPUnit\Framework\TestCase;

/**
 * The built `rr` binary (path in $RR_BINARY, set by scripts/test.sh) serving a temp dir with an
 * rpc and an http section and real PHP workers. Every wait has a deadline; the process is
 * stopped with SIGTERM (and killed by PID if it does not go) when the object goes away.
 */
final class RoadRunnerServer
{
    private const DEADLINE_SECONDS = 60.0;

    public readonly string $rpcAddress;
    public readonly int $httpPort;
    public readonly string $dir;

    /** @var resource */
    private $process;

    /** @var array<int, resource> */
    private array $pipes;

    private string $stderr = '';

    private ?int $exitCode = null;

    /** Skips the calling test when no binary is given. */
    public static function binaryOrSkip(TestCase $test): string
    {
        $binary = (string) \getenv('RR_BINARY');
        if ($binary === '' || !\is_executable($binary)) {
            $test->markTestSkipped(
                'RR_BINARY is not set to the built rr binary (scripts/test.sh sets it); the tests '
                . 'against a real server are skipped',
            );
        }
        return $binary;
    }

    public function __construct(string $binary, int $workers = 2)
    {
        $dir = \sys_get_temp_dir() . '/rr-php-it-' . \bin2hex(\random_bytes(6));
        \mkdir($dir);
        $this->dir = $dir;
        $this->httpPort = self::freePort();
        $this->rpcAddress = 'tcp://127.0.0.1:' . self::freePort();
        $worker = \realpath(__DIR__ . '/../Fixtures/rpc_env_worker.php');
        \file_put_contents($dir . '/.rr.yaml', \implode("\n", [
            'version: "3"',
            'rpc:',
            '  listen: ' . $this->rpcAddress,
            'server:',
            '  command: "' . \PHP_BINARY . ' ' . $worker . '"',
            'logs:',
            '  level: info',
            'http:',
            '  address: 127.0.0.1:' . $this->httpPort,
            '  pool:',
            '    num_workers: ' . $workers,
            '    destroy_timeout: 10s',
            '',
        ]));
        $process = \proc_open(
            [$binary, 'serve', '-c', $dir . '/.rr.yaml'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            $dir,
        );
        Assert::assertIsResource($process);
        $this->process = $process;
        $this->pipes = $pipes;
        \stream_set_blocking($this->pipes[2], false);
        $this->waitForLog('rpc server listening on');
        $this->waitForLog('http server listening on');
    }

    public function __destruct()
    {
        $this->stop();
        foreach (\glob($this->dir . '/{,.}*', \GLOB_BRACE) ?: [] as $f) {
            if (\is_file($f)) {
                \unlink($f);
            }
        }
        @\rmdir($this->dir);
    }

    /** Waits until $text appears in rr's log (stderr). */
    public function waitForLog(string $text): void
    {
        $deadline = \microtime(true) + self::DEADLINE_SECONDS;
        while (!\str_contains($this->stderr, $text)) {
            $left = $deadline - \microtime(true);
            if ($left <= 0 || !$this->readStderr($left)) {
                Assert::fail("rr never logged '$text'; its log:\n" . $this->stderr);
            }
        }
    }

    /** rr's log so far. */
    public function log(): string
    {
        while ($this->readStderr(0.0)) {
        }
        return $this->stderr;
    }

    /** GET $path from the workers; the decoded JSON answer. */
    public function get(string $path): array
    {
        $context = \stream_context_create(['http' => ['timeout' => 30, 'ignore_errors' => true]]);
        $body = @\file_get_contents('http://127.0.0.1:' . $this->httpPort . $path, false, $context);
        Assert::assertIsString($body, 'no HTTP answer; rr log: ' . $this->log());
        $json = \json_decode($body, true);
        Assert::assertIsArray($json, 'not JSON: ' . $body);
        return $json;
    }

    /** SIGTERM, then the exit code (a clean stop is 0). */
    public function stop(): int
    {
        if ($this->exitCode !== null) {
            return $this->exitCode;
        }
        $status = \proc_get_status($this->process);
        if ($status['running']) {
            \posix_kill($status['pid'], \SIGTERM);
        }
        $deadline = \microtime(true) + self::DEADLINE_SECONDS;
        while (($status = \proc_get_status($this->process))['running']) {
            if (\microtime(true) > $deadline) {
                \posix_kill($status['pid'], \SIGKILL);
            }
            $this->readStderr(0.1);  // waits on the pipe (closed by the exit), not a sleep
        }
        $this->exitCode = $status['exitcode'];
        \fclose($this->pipes[2]);
        \proc_close($this->process);
        return $this->exitCode;
    }

    /** Reads what is on rr's stderr, waiting up to $seconds for it. False when nothing came. */
    private function readStderr(float $seconds): bool
    {
        if (!\is_resource($this->pipes[2])) {
            return false;
        }
        $read = [$this->pipes[2]];
        $write = null;
        $except = null;
        $sec = (int) $seconds;
        $ready = @\stream_select($read, $write, $except, $sec, (int) (($seconds - $sec) * 1e6));
        if ($ready !== 1) {
            return false;
        }
        $chunk = \fread($this->pipes[2], 65536);
        if ($chunk === false || $chunk === '') {
            return false;
        }
        $this->stderr .= $chunk;
        return true;
    }

    private static function freePort(): int
    {
        $socket = \socket_create(\AF_INET, \SOCK_STREAM, \SOL_TCP);
        \socket_bind($socket, '127.0.0.1', 0);
        \socket_getsockname($socket, $address, $port);
        \socket_close($socket);
        return (int) $port;
    }
}
