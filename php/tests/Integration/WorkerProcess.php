<?php

declare(strict_types=1);

namespace Rr\Tests\Integration;

use PHPUnit\Framework\Assert;
use Spiral\Goridge\Frame;
use Spiral\Goridge\RelayInterface;
use Spiral\Goridge\StreamRelay;

/**
 * A PHP worker script run as a child process with pipes, the way the server runs it. Every
 * read waits with a deadline, and the child is killed by PID if it outlives the test.
 */
final class WorkerProcess
{
    private const DEADLINE_SECONDS = 20.0;

    /** @var resource */
    private $process;

    /** @var array<int, resource> */
    private array $pipes;

    private RelayInterface $relay;

    /** @var resource|null read side of the relay (stdout for pipes, the socket otherwise) */
    private $readSide;

    private ?int $exitCode = null;

    /**
     * @param array<string, string> $env extra environment
     */
    public function __construct(string $script, array $env = ['RR_RELAY' => 'pipes'])
    {
        $process = \proc_open(
            [\PHP_BINARY, $script],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            null,
            \array_merge(\getenv(), $env),
        );
        Assert::assertIsResource($process);
        $this->process = $process;
        $this->pipes = $pipes;
        $this->relay = new StreamRelay($pipes[1], $pipes[0]);
        $this->readSide = $pipes[1];
    }

    public function __destruct()
    {
        $this->kill();
    }

    /** Uses another relay (e.g. an accepted socket) instead of the pipes. */
    public function useRelay(RelayInterface $relay, $readSide): void
    {
        $this->relay = $relay;
        $this->readSide = $readSide;
    }

    public function send(Frame $frame): void
    {
        $this->relay->send($frame);
    }

    public function receive(): Frame
    {
        $read = [$this->readSide];
        $write = null;
        $except = null;
        $ready = \stream_select($read, $write, $except, (int) self::DEADLINE_SECONDS);
        if ($ready !== 1) {
            Assert::fail('the worker did not answer in time; stderr: ' . $this->stderrSoFar());
        }
        return $this->relay->waitFrame();
    }

    /** Waits for the process to exit and returns its exit code. */
    public function waitExit(): int
    {
        $deadline = \microtime(true) + self::DEADLINE_SECONDS;
        while (true) {
            $status = \proc_get_status($this->process);
            if (!$status['running']) {
                $this->exitCode = $status['exitcode'];
                return $this->exitCode;
            }
            Assert::assertLessThan($deadline, \microtime(true), 'the worker did not exit in time');
            // Wait (bounded) for activity on the child's stdout, discarding it, then re-check.
            $read = [$this->pipes[1]];
            $write = null;
            $except = null;
            if (@\stream_select($read, $write, $except, 0, 50_000) === 1) {
                \stream_set_blocking($this->pipes[1], false);
                $data = \fread($this->pipes[1], 65536);
                \stream_set_blocking($this->pipes[1], true);
                if ($data === '' || $data === false) {
                    \usleep(1000); // stdout is closed; the exit status follows shortly
                }
            }
        }
    }

    public function pid(): int
    {
        return \proc_get_status($this->process)['pid'];
    }

    /** Everything the child wrote to stderr; call after it exited. */
    public function stderr(): string
    {
        return (string) \stream_get_contents($this->pipes[2]);
    }

    private function stderrSoFar(): string
    {
        \stream_set_blocking($this->pipes[2], false);
        $text = (string) \stream_get_contents($this->pipes[2]);
        \stream_set_blocking($this->pipes[2], true);
        return $text;
    }

    private function kill(): void
    {
        if (!\is_resource($this->process)) {
            return;
        }
        $status = \proc_get_status($this->process);
        if ($status['running']) {
            \posix_kill($status['pid'], \SIGKILL);
        }
        foreach ($this->pipes as $pipe) {
            if (\is_resource($pipe)) {
                \fclose($pipe);
            }
        }
        \proc_close($this->process);
    }
}
