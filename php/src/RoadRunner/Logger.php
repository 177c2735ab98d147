<?php

declare(strict_types=1);

namespace Spiral\RoadRunner;

use Psr\Log\LoggerInterface;

/**
 * Writes `[php <level>] <message> <json context>` lines to stderr, which the server logs.
 * Never writes to stdout (that is the relay on pipes).
 */
class Logger implements LoggerInterface
{
    /** @var resource|null */
    private static $stderr = null;

    public function emergency($message, array $context = []): void
    {
        $this->log('emergency', $message, $context);
    }

    public function alert($message, array $context = []): void
    {
        $this->log('alert', $message, $context);
    }

    public function critical($message, array $context = []): void
    {
        $this->log('critical', $message, $context);
    }

    public function error($message, array $context = []): void
    {
        $this->log('error', $message, $context);
    }

    public function warning($message, array $context = []): void
    {
        $this->log('warning', $message, $context);
    }

    public function notice($message, array $context = []): void
    {
        $this->log('notice', $message, $context);
    }

    public function info($message, array $context = []): void
    {
        $this->log('info', $message, $context);
    }

    public function debug($message, array $context = []): void
    {
        $this->log('debug', $message, $context);
    }

    public function log($level, $message, array $context = []): void
    {
        $line = \sprintf('[php %s] %s', (string) $level, (string) $message);
        if ($context !== []) {
            $json = \json_encode($context, \JSON_UNESCAPED_SLASHES | \JSON_PARTIAL_OUTPUT_ON_ERROR);
            $line .= ' ' . ($json === false ? '{}' : $json);
        }
        self::$stderr ??= \fopen('php://stderr', 'ab');
        \fwrite(self::$stderr, $line . "\n");
    }
}
