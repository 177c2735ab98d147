<?php

declare(strict_types=1);

namespace Spiral\Goridge;

use Spiral\Goridge\Exception\RelayFactoryException;

/**
 * Base of the relays and the factory that turns an address (`RR_RELAY`) into a relay.
 */
abstract class Relay implements RelayInterface
{
    public const TCP_SOCKET = 'tcp';
    public const UNIX_SOCKET = 'unix';
    public const PIPES = 'pipes';

    /** `protocol://arg1[:arg2]`; neither argument may contain a colon. */
    private const CONNECTION_EXP =
        '/^(?P<protocol>[a-z]+):\/\/(?P<arg1>[^:]+)(?::(?P<arg2>[^:]+))?$/i';

    public function hasFrame(): bool
    {
        return false;
    }

    /**
     * Accepted forms: `pipes`; `pipes://in:out` (php://in, php://out); `tcp://host:port`;
     * `unix:///path`. An empty host (`tcp://:6001`) and IPv6 literals are refused, as upstream.
     *
     * @throws RelayFactoryException for an unsupported address or a stream that cannot be opened
     */
    public static function create(string $connection): RelayInterface
    {
        if ($connection === self::PIPES) {
            return new StreamRelay(self::stdin(), self::stdout());
        }

        if (!\preg_match(self::CONNECTION_EXP, $connection, $match)) {
            throw new RelayFactoryException('unsupported connection format: ' . $connection);
        }

        $protocol = \strtolower($match['protocol']);
        $arg1 = $match['arg1'];
        $arg2 = $match['arg2'] ?? '';

        switch ($protocol) {
            case self::PIPES:
                if ($arg2 === '') {
                    throw self::unsupported($connection);
                }
                $in = @\fopen('php://' . $arg1, 'rb');
                $out = @\fopen('php://' . $arg2, 'wb');
                if ($in === false || $out === false) {
                    throw new RelayFactoryException('could not open pipes: ' . $connection);
                }
                return new StreamRelay($in, $out);

            case self::TCP_SOCKET:
                if ($arg2 === '' || !\ctype_digit($arg2)) {
                    throw self::unsupported($connection);
                }
                return new SocketRelay($arg1, (int) $arg2, SocketType::TCP);

            case self::UNIX_SOCKET:
                if ($arg2 !== '') {
                    throw self::unsupported($connection);
                }
                return new SocketRelay($arg1, null, SocketType::UNIX);
        }

        throw new RelayFactoryException('unknown relay provider: ' . $connection);
    }

    private static function unsupported(string $connection): RelayFactoryException
    {
        return new RelayFactoryException('unsupported connection format: ' . $connection);
    }

    /** @return resource */
    private static function stdin()
    {
        return \defined('STDIN') ? \STDIN : \fopen('php://stdin', 'rb');
    }

    /** @return resource */
    private static function stdout()
    {
        return \defined('STDOUT') ? \STDOUT : \fopen('php://stdout', 'wb');
    }
}
