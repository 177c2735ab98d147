<?php

declare(strict_types=1);

namespace Rr\Tests\RoadRunner;

use PHPUnit\Framework\TestCase;
use Spiral\RoadRunner\Environment;
use Spiral\RoadRunner\Environment\Mode;

final class EnvironmentTest extends TestCase
{
    public function testDefaults(): void
    {
        $env = new Environment();

        self::assertSame('', $env->getMode());
        self::assertSame('pipes', $env->getRelayAddress());
        self::assertSame('tcp://127.0.0.1:6001', $env->getRPCAddress());
    }

    public function testReadsTheServerVariables(): void
    {
        $env = new Environment([
            'RR_MODE' => Mode::MODE_HTTP,
            'RR_RELAY' => 'unix:///tmp/x.sock',
            'RR_RPC' => 'tcp://127.0.0.1:7001',
        ]);

        self::assertSame('http', $env->getMode());
        self::assertSame('unix:///tmp/x.sock', $env->getRelayAddress());
        self::assertSame('tcp://127.0.0.1:7001', $env->getRPCAddress());
    }

    public function testFromGlobalsLetsServerVariablesWin(): void
    {
        $saved = [$_ENV, $_SERVER];
        try {
            $_ENV['RR_MODE'] = 'jobs';
            $_SERVER['RR_MODE'] = 'http';
            $_SERVER['RR_RELAY'] = 'tcp://127.0.0.1:6002';

            $env = Environment::fromGlobals();
            self::assertSame('http', $env->getMode());
            self::assertSame('tcp://127.0.0.1:6002', $env->getRelayAddress());
        } finally {
            [$_ENV, $_SERVER] = $saved;
        }
    }
}
