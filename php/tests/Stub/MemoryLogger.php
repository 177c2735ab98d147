<?php

declare(strict_types=1);

namespace Rr\Tests\Stub;

use Psr\Log\AbstractLogger;

/** A PSR-3 logger that keeps [level, message] pairs (untyped log() for psr/log 1.x-3.x). */
final class MemoryLogger extends AbstractLogger
{
    /** @var list<array{string, string}> */
    public array $records = [];

    /**
     * @param mixed $level
     * @param string|\Stringable $message
     */
    public function log($level, $message, array $context = []): void
    {
        $this->records[] = [(string) $level, (string) $message];
    }
}
