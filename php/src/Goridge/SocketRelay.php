<?php

declare(strict_types=1);

namespace Spiral\Goridge;

use Socket;
use Spiral\Goridge\Exception\HeaderException;
use Spiral\Goridge\Exception\InvalidArgumentException;
use Spiral\Goridge\Exception\RelayException;
use Spiral\Goridge\Exception\TransportException;
use Stringable;

/**
 * Frames over a TCP or unix-domain socket (ext-sockets). Connects lazily on the first send or
 * receive, retrying RECONNECT_RETRIES times with RECONNECT_TIMEOUT µs between tries.
 */
class SocketRelay extends Relay implements Stringable, ConnectedRelayInterface
{
    public const RECONNECT_RETRIES = 10;
    public const RECONNECT_TIMEOUT = 100;

    public ?Socket $socket = null;

    private readonly ?int $port;

    /**
     * @param string $address host for TCP, file path for unix sockets
     * @param int|null $port required for TCP (0..65535), ignored for unix sockets
     * @throws InvalidArgumentException for a missing or out-of-range TCP port
     */
    public function __construct(
        private readonly string $address,
        ?int $port = null,
        private readonly SocketType $type = SocketType::TCP,
    ) {
        if (!\extension_loaded('sockets')) {
            throw new InvalidArgumentException("SocketRelay requires the 'sockets' extension");
        }
        if ($type === SocketType::TCP) {
            if ($port === null || $port < 0 || $port > 65535) {
                throw new InvalidArgumentException(\sprintf('Invalid port %s', (string) $port));
            }
            $this->port = $port;
        } else {
            $this->port = null;
        }
    }

    public function __destruct()
    {
        $this->close();
    }

    public function __clone()
    {
        $this->socket = null;
    }

    public function __toString(): string
    {
        if ($this->type === SocketType::TCP) {
            return 'tcp://' . $this->address . ':' . (string) $this->port;
        }
        return 'unix://' . $this->address;
    }

    public function getAddress(): string
    {
        return $this->address;
    }

    public function getPort(): ?int
    {
        return $this->port;
    }

    public function getType(): SocketType
    {
        return $this->type;
    }

    public function isConnected(): bool
    {
        return $this->socket !== null;
    }

    /**
     * @throws RelayException when every try failed
     */
    public function connect(
        int $retries = self::RECONNECT_RETRIES,
        int $timeout = self::RECONNECT_TIMEOUT,
    ): bool
    {
        if ($this->isConnected()) {
            return true;
        }
        $retries = \max(1, $retries);
        $error = '';
        for ($i = 0; $i < $retries; ++$i) {
            $socket = $this->type === SocketType::TCP
                ? @\socket_create(\AF_INET, \SOCK_STREAM, \SOL_TCP)
                : @\socket_create(\AF_UNIX, \SOCK_STREAM, 0);
            if ($socket === false) {
                throw new RelayException('Unable to create socket ' . (string) $this);
            }
            $ok = $this->type === SocketType::TCP
                ? @\socket_connect($socket, $this->address, (int) $this->port)
                : @\socket_connect($socket, $this->address);
            if ($ok) {
                if ($this->type === SocketType::TCP) {
                    @\socket_set_option($socket, \SOL_TCP, \TCP_NODELAY, 1);
                }
                $this->socket = $socket;
                return true;
            }
            $error = \socket_strerror(\socket_last_error($socket));
            \socket_close($socket);
            if ($i + 1 < $retries) {
                \usleep(\max(0, $timeout));
            }
        }
        throw new RelayException(\sprintf('Unable to connect to %s: %s', (string) $this, $error));
    }

    public function close(): void
    {
        if ($this->socket !== null) {
            \socket_close($this->socket);
            $this->socket = null;
        }
    }

    public function waitFrame(): Frame
    {
        $this->connect();
        \assert($this->socket !== null);

        $header = $this->receive(Frame::HEADER_SIZE);
        try {
            $parsed = Frame::readHeader($header);
        } catch (InvalidArgumentException $e) {
            throw new HeaderException('Unable to read frame header: ' . $e->getMessage(), 0, $e);
        }
        $length = $parsed[1] * 4 + $parsed[2];
        return Frame::initFrame($parsed, $length === 0 ? '' : $this->receive($length));
    }

    public function send(Frame $frame): void
    {
        $this->connect();
        \assert($this->socket !== null);

        $data = Frame::packFrame($frame);
        $total = \strlen($data);
        $done = 0;
        while ($done < $total) {
            $chunk = $done === 0 ? $data : \substr($data, $done);
            $sent = @\socket_send($this->socket, $chunk, $total - $done, 0);
            if ($sent === false || $sent === 0) {
                throw new TransportException('Unable to write payload to the stream');
            }
            $done += $sent;
        }
    }

    public function hasFrame(): bool
    {
        $this->connect();
        \assert($this->socket !== null);

        $read = [$this->socket];
        $write = null;
        $except = null;
        $ready = @\socket_select($read, $write, $except, 0, 0);
        return $ready !== false && $ready > 0;
    }

    /**
     * @throws TransportException when the peer closed the connection or the read failed
     */
    private function receive(int $length): string
    {
        \assert($this->socket !== null);
        $data = '';
        while (\strlen($data) < $length) {
            $buf = null;
            $got = @\socket_recv($this->socket, $buf, $length - \strlen($data), \MSG_WAITALL);
            if ($got === false || $got === 0 || $buf === null) {
                $this->close();
                throw new TransportException('Unable to read from the socket: connection closed');
            }
            $data .= $buf;
        }
        return $data;
    }
}
