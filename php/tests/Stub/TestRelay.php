<?php

declare(strict_types=1);

namespace Rr\Tests\Stub;

use Spiral\Goridge\Exception\TransportException;
use Spiral\Goridge\Frame;
use Spiral\Goridge\Relay;

/**
 * A fake relay: frames queued by the test are handed out by waitFrame(); frames sent by the
 * code under test are recorded. Every frame goes through its wire bytes both ways, so the
 * codec is exercised too. An optional hook sees every sent frame and may queue answers (for
 * example a PONG for a PING), as the server would.
 */
class TestRelay extends Relay
{
    /** @var list<string> wire bytes waiting to be read */
    private array $incoming = [];

    /** @var list<Frame> */
    private array $received = [];

    /** @var list<string> */
    private array $receivedBytes = [];

    /** @var (\Closure(Frame, self): void)|null */
    private ?\Closure $onSend = null;

    public function addFrames(Frame ...$frames): static
    {
        foreach ($frames as $frame) {
            $this->incoming[] = Frame::packFrame($frame);
        }
        return $this;
    }

    public function addBytes(string $bytes): static
    {
        $this->incoming[] = $bytes;
        return $this;
    }

    /** @param \Closure(Frame, self): void $hook */
    public function onSend(\Closure $hook): static
    {
        $this->onSend = $hook;
        return $this;
    }

    public function waitFrame(): Frame
    {
        if ($this->incoming === []) {
            throw new TransportException('TestRelay: no frame queued');
        }
        $bytes = \array_shift($this->incoming);
        $header = Frame::readHeader(\substr($bytes, 0, 12));
        return Frame::initFrame($header, \substr($bytes, 12));
    }

    public function send(Frame $frame): void
    {
        $bytes = Frame::packFrame($frame);
        $this->receivedBytes[] = $bytes;
        $header = Frame::readHeader(\substr($bytes, 0, 12));
        $this->received[] = Frame::initFrame($header, \substr($bytes, 12));
        if ($this->onSend !== null) {
            ($this->onSend)($frame, $this);
        }
    }

    public function hasFrame(): bool
    {
        return $this->incoming !== [];
    }

    /** @return list<Frame> */
    public function getReceived(): array
    {
        return $this->received;
    }

    /** @return list<string> */
    public function getReceivedBytes(): array
    {
        return $this->receivedBytes;
    }

    public function pendingCount(): int
    {
        return \count($this->incoming);
    }
}
