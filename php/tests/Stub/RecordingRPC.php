<?php

declare(strict_types=1);

namespace Rr\Tests\Stub;

use Spiral\Goridge\RPC\CodecInterface;
use Spiral\Goridge\RPC\Exception\ServiceException;
use Spiral\Goridge\RPC\RPCInterface;

/**
 * An RPCInterface that records calls (with the service prefix applied, as the wire would carry
 * them) and answers from a script: a queued Throwable is thrown, anything else returned.
 * Copies made by withServicePrefix() share the log and the script.
 */
final class RecordingRPC implements RPCInterface
{
    private ?string $service = null;

    /** @var \ArrayObject<int, array{string, mixed}> */
    private \ArrayObject $calls;

    /** @var \ArrayObject<int, mixed> */
    private \ArrayObject $answers;

    public function __construct()
    {
        $this->calls = new \ArrayObject();
        $this->answers = new \ArrayObject();
    }

    public function withServicePrefix(string $service): self
    {
        $copy = clone $this;
        $copy->service = $service;
        return $copy;
    }

    public function withCodec(CodecInterface $codec): self
    {
        return clone $this;
    }

    public function call(string $method, mixed $payload, mixed $options = null): mixed
    {
        $name = $this->service === null ? $method : $this->service . '.' . \ucfirst($method);
        $this->calls->append([$name, $payload]);
        if (\count($this->answers) === 0) {
            return true;
        }
        $answer = $this->answers->offsetGet(0);
        $rest = \array_slice($this->answers->getArrayCopy(), 1);
        $this->answers->exchangeArray($rest);
        if ($answer instanceof \Throwable) {
            throw $answer;
        }
        return $answer;
    }

    /** Queues answers for the next calls (a Throwable is thrown). */
    public function answer(mixed ...$answers): self
    {
        foreach ($answers as $a) {
            $this->answers->append($a);
        }
        return $this;
    }

    /** Queues a server error reply for the next call. */
    public function fail(string $message, int $times = 1): self
    {
        for ($i = 0; $i < $times; ++$i) {
            $this->answers->append(new ServiceException($message));
        }
        return $this;
    }

    /** @return list<array{string, mixed}> [method, payload] per call */
    public function calls(): array
    {
        return \array_values($this->calls->getArrayCopy());
    }
}
