<?php

declare(strict_types=1);

namespace Spiral\RoadRunner;

use Psr\Log\LoggerInterface;
use Spiral\Goridge\BlockingRelayInterface;
use Spiral\Goridge\Exception\GoridgeException;
use Spiral\Goridge\Exception\TransportException;
use Spiral\Goridge\Frame;
use Spiral\Goridge\Relay;
use Spiral\Goridge\RelayInterface;
use Spiral\RoadRunner\Exception\RoadRunnerException;
use Spiral\RoadRunner\Internal\StdoutHandler;
use Spiral\RoadRunner\Message\Command\GetProcessId;
use Spiral\RoadRunner\Message\Command\Pong;
use Spiral\RoadRunner\Message\Command\WorkerStop;

/**
 * The worker loop's connection to the server (PROTOCOL.md §3).
 *
 * <code>
 * $worker = Worker::create();
 * while ($payload = $worker->waitPayload()) {
 *     $worker->respond(new Payload('done: ' . $payload->body));
 * }
 * </code>
 *
 * One instance per process, used from one place at a time. Stream mode (a clone made by
 * withStreamMode()) counts the frames it sends; on a blocking relay (pipes) it cannot poll for a
 * STOP cheaply, so after every 5th frame the next STREAM frame carries PING and the worker then
 * polls until the server's PONG arrives. A STOP seen meanwhile is queued for getPayload().
 */
class Worker implements StreamWorkerInterface
{
    private const JSON_ENCODE_FLAGS = \JSON_THROW_ON_ERROR | \JSON_PRESERVE_ZERO_FRACTION;

    /** Frames sent in stream mode between two PINGs. */
    private const PING_EVERY = 5;

    /** @var list<Payload> payloads read while looking for a specific one */
    private array $payloads = [];

    private int $framesSent = 0;
    private bool $streamMode = false;
    private bool $shouldPing = false;
    private bool $waitingPong = false;

    /** @var list<string> extra `codecs` key for the PID reply; empty = upstream-identical reply */
    private array $codecs = [];

    public function __construct(
        private readonly RelayInterface $relay,
        bool $interceptSideEffects = true,
        private readonly LoggerInterface $logger = new Logger(),
    ) {
        if ($interceptSideEffects) {
            StdoutHandler::register();
        }
    }

    /**
     * A worker on the relay named by the process environment (`RR_RELAY`, default pipes).
     */
    public static function create(
        bool $interceptSideEffects = true,
        LoggerInterface $logger = new Logger(),
    ): self
    {
        return static::createFromEnvironment(
            Environment::fromGlobals(),
            $interceptSideEffects,
            $logger,
        );
    }

    /**
     * @throws \Spiral\Goridge\Exception\RelayFactoryException for an unsupported relay address
     */
    public static function createFromEnvironment(
        EnvironmentInterface $env,
        bool $interceptSideEffects = true,
        LoggerInterface $logger = new Logger(),
    ): self {
        return new self(Relay::create($env->getRelayAddress()), $interceptSideEffects, $logger);
    }

    public function getLogger(): LoggerInterface
    {
        return $this->logger;
    }

    /**
     * Adds `"codecs": [...]` (most preferred first) to the handshake reply, so that our server
     * can pick the request codec this process decodes fastest. Upstream servers ignore the key.
     * Must be called before the first waitPayload().
     *
     * @internal used by Http\HttpWorker
     */
    public function advertiseCodecs(string ...$codecs): void
    {
        $this->codecs = \array_values($codecs);
    }

    public function waitPayload(): ?Payload
    {
        while (true) {
            if ($this->payloads !== []) {
                $payload = \array_shift($this->payloads);
            } else {
                $frame = $this->relay->waitFrame();
                if (($frame->flags & Frame::CONTROL) === 0
                    && ($frame->byte10 & (Frame::BYTE10_STOP | Frame::BYTE10_PONG)) === 0
                ) {
                    // A data frame: PayloadFactory::fromFrame()'s last case, inlined.
                    $data = $frame->payload ?? '';
                    $split = $frame->options[0] ?? 0;
                    return $split === 0
                        ? new Payload($data, '')
                        : new Payload(\substr($data, $split), \substr($data, 0, $split));
                }
                $payload = PayloadFactory::fromFrame($frame);
            }

            if ($payload::class === Payload::class) {
                return $payload;
            }
            if ($payload instanceof WorkerStop) {
                $this->waitingPong = false;
                return null;
            }
            if ($payload instanceof GetProcessId) {
                $this->sendProcessId();
            } elseif ($payload instanceof Pong) {
                $this->waitingPong = false;
            }
            // StreamStop and anything else that is a SkipMessage: ignored outside a stream.
        }
    }

    public function withStreamMode(): static
    {
        $clone = clone $this;
        $clone->streamMode = true;
        $clone->framesSent = 0;
        $clone->shouldPing = false;
        $clone->waitingPong = false;
        return $clone;
    }

    /**
     * @param int|null $codec Frame::CODEC_JSON or Frame::CODEC_PROTO: ORed into the frame flags
     *        to tell the server how the header is encoded; null sends no codec bit.
     * @throws TransportException when the relay fails
     * @throws RoadRunnerException for any other send failure
     */
    public function respond(Payload $payload, ?int $codec = null): void
    {
        $header = $payload->header;
        $frame = new Frame($header . $payload->body, [\strlen($header)], $codec ?? 0);
        if (!$payload->eos) {
            $frame->byte10 = Frame::BYTE10_STREAM;
        }
        if ($this->streamMode) {
            ++$this->framesSent;
            if ($this->shouldPing && !$payload->eos) {
                $frame->byte10 |= Frame::BYTE10_PING;
                $this->shouldPing = false;
                $this->waitingPong = true;
            }
        }
        $this->sendFrame($frame);
    }

    public function error(string $error): void
    {
        $this->sendFrame(new Frame($error, [], Frame::ERROR));
    }

    public function stop(): void
    {
        $header = \json_encode(['stop' => true], self::JSON_ENCODE_FLAGS);
        $this->sendFrame(new Frame($header, [\strlen($header)]));
    }

    public function hasPayload(?string $class = null): bool
    {
        return $this->findPayload($class) !== null;
    }

    public function getPayload(?string $class = null): ?Payload
    {
        $pos = $this->findPayload($class);
        if ($pos === null) {
            return null;
        }
        $payload = $this->payloads[$pos];
        \array_splice($this->payloads, $pos, 1);
        return $payload;
    }

    /**
     * Index in $payloads of the first queued payload of $class (any class when null), pulling
     * frames that are available without blocking into the queue first.
     */
    private function findPayload(?string $class): ?int
    {
        foreach ($this->payloads as $pos => $payload) {
            if ($class === null || $payload::class === $class) {
                return $pos;
            }
        }

        while (($payload = $this->pullPayload()) !== null) {
            $this->payloads[] = $payload;
            if ($class === null || $payload::class === $class) {
                return \count($this->payloads) - 1;
            }
        }
        return null;
    }

    /**
     * One payload if a frame can be read without blocking. A PONG ends the pull (it only
     * clears the "waiting for pong" state). On a blocking relay nothing is read unless a PONG
     * is expected; instead the PING schedule is advanced.
     */
    private function pullPayload(): ?Payload
    {
        if (!$this->waitingPong && $this->relay instanceof BlockingRelayInterface) {
            if ($this->streamMode && $this->framesSent > 0
                && $this->framesSent % self::PING_EVERY === 0
            ) {
                $this->shouldPing = true;
            }
            return null;
        }

        if (!$this->relay->hasFrame()) {
            return null;
        }

        $payload = PayloadFactory::fromFrame($this->relay->waitFrame());
        if ($payload instanceof Pong) {
            $this->waitingPong = false;
            return null;
        }
        return $payload;
    }

    private function sendProcessId(): void
    {
        $reply = ['pid' => \getmypid()];
        if ($this->codecs !== []) {
            $reply['codecs'] = $this->codecs;
        }
        $json = \json_encode($reply, self::JSON_ENCODE_FLAGS);
        $this->sendFrame(new Frame($json, [], Frame::CONTROL));
    }

    private function sendFrame(Frame $frame): void
    {
        try {
            $this->relay->send($frame);
        } catch (GoridgeException $e) {
            throw new TransportException($e->getMessage(), (int) $e->getCode(), $e);
        } catch (\Throwable $e) {
            throw new RoadRunnerException($e->getMessage(), (int) $e->getCode(), $e);
        }
    }
}
