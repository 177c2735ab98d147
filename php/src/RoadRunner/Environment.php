<?php

declare(strict_types=1);

namespace Spiral\RoadRunner;

/**
 * The worker's view of the variables the server sets (PROTOCOL.md §2.2).
 */
class Environment implements EnvironmentInterface
{
    /**
     * @param array<string, mixed> $env
     */
    public function __construct(private array $env = [])
    {
    }

    public function getMode(): string
    {
        return (string) ($this->env['RR_MODE'] ?? '');
    }

    public function getRelayAddress(): string
    {
        return (string) ($this->env['RR_RELAY'] ?? 'pipes');
    }

    public function getRPCAddress(): string
    {
        return (string) ($this->env['RR_RPC'] ?? 'tcp://127.0.0.1:6001');
    }

    /**
     * Reads `$_ENV` and then `$_SERVER` (later wins). With the default `variables_order`
     * `$_ENV` is empty, so getenv() is consulted too, first.
     */
    public static function fromGlobals(): self
    {
        $env = \getenv();
        $env = \is_array($env) ? $env : [];
        return new static(\array_merge($env, $_ENV, $_SERVER));
    }
}
