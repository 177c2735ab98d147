<?php

declare(strict_types=1);

namespace Spiral\Goridge\RPC;

use Spiral\Goridge\Frame;
use Spiral\Goridge\Relay;
use Spiral\Goridge\RelayInterface;
use Spiral\Goridge\RPC\Codec\JsonCodec;
use Spiral\Goridge\RPC\Exception\RPCException;
use Spiral\Goridge\SocketRelay;

/**
 * An RPC client over a pool of relays (connections), so several calls can be in flight:
 * callAsync() returns at once with a sequence number to collect the reply by, and
 * callIgnoreResponse() does not wait at all. Each relay carries one call at a time; the server
 * needs nothing special for it.
 *
 * <code>
 * $rpc = MultiRPC::create('tcp://127.0.0.1:6001', 10);
 * $seq = $rpc->callAsync('informer.Workers', 'http');
 * // ... other work ...
 * $workers = $rpc->getResponse($seq);
 * </code>
 *
 * A relay is taken for each call from the free ones. When none is free, a relay whose ignored
 * reply is due is drained (waiting for it if needed); failing that, the oldest pending async
 * call's reply is read into a buffer (getResponse() takes it from there) and its relay reused.
 */
class MultiRPC extends AbstractRPC implements AsyncRPCInterface
{
    /** @var list<RelayInterface> */
    private array $free;

    /** @var array<int, RelayInterface> seq => relay that owes the reply of callAsync($seq) */
    private array $pending = [];

    /** @var list<RelayInterface> relays that owe the reply of a callIgnoreResponse(), oldest first */
    private array $ignoring = [];

    /** @var array<int, array{Frame, string}> replies (and their relay's name) read before
     *  getResponse() asked for them */
    private array $buffered = [];

    /**
     * @param list<RelayInterface> $relays at least one; each used for one call at a time
     */
    public function __construct(array $relays, CodecInterface $codec = new JsonCodec())
    {
        if ($relays === []) {
            throw new \InvalidArgumentException('MultiRPC needs at least one relay');
        }
        $this->free = \array_values($relays);
        parent::__construct($codec);
    }

    /**
     * Opens $count connections to $connection (`tcp://host:port` or `unix:///path`).
     */
    public static function create(
        string $connection,
        int $count = 50,
        CodecInterface $codec = new JsonCodec(),
    ): self
    {
        if ($count < 1) {
            throw new \InvalidArgumentException('MultiRPC needs at least one relay');
        }
        $relays = [];
        for ($i = 0; $i < $count; ++$i) {
            $relay = Relay::create($connection);
            if ($relay instanceof SocketRelay) {
                $relay->connect();
            }
            $relays[] = $relay;
        }
        return new self($relays, $codec);
    }

    public function call(string $method, mixed $payload, mixed $options = null): mixed
    {
        $relay = $this->take();
        $seq = self::$seq++;
        $relay->send($this->packFrame($this->service($method), $payload, $seq));
        $frame = $relay->waitFrame();
        $this->free[] = $relay;
        self::checkReply($frame, $seq);
        return $this->decodeResponse($frame, self::relayName($relay), $options);
    }

    public function callIgnoreResponse(string $method, mixed $payload): void
    {
        $relay = $this->take();
        $seq = self::$seq++;
        $relay->send($this->packFrame($this->service($method), $payload, $seq));
        $this->ignoring[] = $relay;
    }

    public function callAsync(string $method, mixed $payload): int
    {
        $relay = $this->take();
        $seq = self::$seq++;
        $relay->send($this->packFrame($this->service($method), $payload, $seq));
        $this->pending[$seq] = $relay;
        return $seq;
    }

    public function hasResponse(int $seq): bool
    {
        if (isset($this->buffered[$seq])) {
            return true;
        }
        return isset($this->pending[$seq]) && $this->pending[$seq]->hasFrame();
    }

    public function hasAnyResponse(array $seqs): array
    {
        return \array_values(\array_filter($seqs, fn (int $seq): bool => $this->hasResponse($seq)));
    }

    public function getResponse(int $seq, mixed $options = null): mixed
    {
        if (isset($this->buffered[$seq])) {
            [$frame, $name] = $this->buffered[$seq];
            unset($this->buffered[$seq]);
        } elseif (isset($this->pending[$seq])) {
            $relay = $this->pending[$seq];
            unset($this->pending[$seq]);
            $frame = $relay->waitFrame();
            $this->free[] = $relay;
            $name = self::relayName($relay);
        } else {
            throw new RPCException('Invalid Seq, unknown');
        }
        self::checkReply($frame, $seq);
        return $this->decodeResponse($frame, $name, $options);
    }

    /** A relay with nothing owed on it. */
    private function take(): RelayInterface
    {
        // Relays whose ignored reply has arrived come back without waiting.
        foreach ($this->ignoring as $i => $relay) {
            if ($relay->hasFrame()) {
                $relay->waitFrame();
                $this->free[] = $relay;
                unset($this->ignoring[$i]);
            }
        }
        $this->ignoring = \array_values($this->ignoring);
        if ($this->free !== []) {
            return \array_pop($this->free);
        }
        if ($this->ignoring !== []) {
            $relay = \array_shift($this->ignoring);
            $relay->waitFrame();
            return $relay;
        }
        // Every relay owes an async reply: park the oldest one's reply in the buffer.
        $seq = \array_key_first($this->pending);
        \assert($seq !== null);
        $relay = $this->pending[$seq];
        unset($this->pending[$seq]);
        $this->buffered[$seq] = [$relay->waitFrame(), self::relayName($relay)];
        return $relay;
    }

    private static function relayName(RelayInterface $relay): string
    {
        return $relay instanceof \Stringable ? (string) $relay : $relay::class;
    }
}
