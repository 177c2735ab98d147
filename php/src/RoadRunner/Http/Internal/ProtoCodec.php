<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Http\Internal;

use Spiral\RoadRunner\Http\Request;

/**
 * Hand-written protobuf codec for the `http.v1` messages (PROTOCOL.md §4.3), so that the
 * library needs neither google/protobuf nor ext-protobuf.
 *
 * Request fields: 1 remote_addr, 2 protocol, 3 method, 4 uri (strings); 5 header, 6 cookies,
 * 10 attributes (map<string, HeaderValue>); 7 raw_query (string); 8 parsed (bool); 9 uploads
 * (bytes: JSON text). Response: 1 status (int64), 2 headers (map<string, HeaderValue>).
 * HeaderValue: repeated string/bytes value = 1. Map entries are sub-messages {1: key, 2: value}.
 * Unknown fields are skipped by wire type. Strings are not checked for UTF-8 (the bytes-typed
 * schema of api v4.18.1 allows any bytes).
 *
 * Pure functions; safe to call from anywhere.
 *
 * @internal
 */
final class ProtoCodec
{
    /**
     * Builds a Request from an encoded `http.v1.Request` and the frame body.
     *
     * Mapping as upstream: cookies are the values joined with ','; attributes keep their first
     * value; `rr_parsed_body` is added to the attributes; a parsed request with an empty body gets
     * the body '{}'; header entries with an empty or numeric name are dropped.
     *
     * @throws \UnexpectedValueException on truncated or malformed input
     */
    public static function decodeRequest(string $buf, string $body): Request
    {
        $remoteAddr = $protocol = $method = $uri = $rawQuery = $uploads = '';
        $headers = $cookies = $attributes = [];
        $parsed = false;

        $pos = 0;
        $end = \strlen($buf);
        while ($pos < $end) {
            $tag = \ord($buf[$pos++]);
            if ($tag === 0x40) {
                // parsed: varint bool
                $v = self::readVarint($buf, $pos, $end);
                $parsed = $v !== 0;
                continue;
            }
            if (($tag & 0x07) !== 2 || $tag > 0x7F) {
                self::skipField($buf, $pos, $end, $tag);
                continue;
            }
            if ($pos >= $end) {
                throw new \UnexpectedValueException('truncated http.v1.Request');
            }
            $len = \ord($buf[$pos++]);
            if ($len > 0x7F) {
                $len = self::varintTail($buf, $pos, $end, $len);
            }
            $next = $pos + $len;
            if ($len < 0 || $next > $end) {
                throw new \UnexpectedValueException('truncated http.v1.Request');
            }
            switch ($tag) {
                case 0x0A:
                    $remoteAddr = \substr($buf, $pos, $len);
                    break;
                case 0x12:
                    $protocol = \substr($buf, $pos, $len);
                    break;
                case 0x1A:
                    $method = \substr($buf, $pos, $len);
                    break;
                case 0x22:
                    $uri = \substr($buf, $pos, $len);
                    break;
                case 0x2A:
                case 0x32:
                case 0x52:
                    // Fast path for the canonical layout {0x0A key 0x12 {0x0A value}*} with
                    // one-byte lengths; anything else goes through readMapEntry().
                    $key = null;
                    $p = $pos;
                    if ($len >= 4 && $buf[$p] === "\x0A" && ($kl = \ord($buf[$p + 1])) < 0x80
                        && $p + 2 + $kl + 2 <= $next && $buf[$p + 2 + $kl] === "\x12"
                        && \ord($buf[$p + 3 + $kl]) === $next - $p - 4 - $kl
                    ) {
                        $values = [];
                        $q = $p + 4 + $kl;
                        while ($q + 1 < $next && $buf[$q] === "\x0A"
                            && ($vl = \ord($buf[$q + 1])) < 0x80
                        ) {
                            $values[] = \substr($buf, $q + 2, $vl);
                            $q += 2 + $vl;
                        }
                        if ($q === $next) {
                            $key = \substr($buf, $p + 2, $kl);
                        }
                    }
                    if ($key === null) {
                        [$key, $values] = self::readMapEntry($buf, $pos, $next);
                    }
                    if ($tag === 0x2A) {
                        if ($key !== '' && !\is_numeric($key)) {
                            $headers[$key] = $values;
                        }
                    } elseif ($tag === 0x32) {
                        $cookies[$key] = \count($values) === 1
                            ? $values[0]
                            : \implode(',', $values);
                    } else {
                        $attributes[$key] = $values[0] ?? '';
                    }
                    break;
                case 0x3A:
                    $rawQuery = \substr($buf, $pos, $len);
                    break;
                case 0x4A:
                    $uploads = \substr($buf, $pos, $len);
                    break;
            }
            $pos = $next;
        }

        $query = [];
        if ($rawQuery !== '') {
            \parse_str($rawQuery, $query);
        }
        $attributes[Request::PARSED_BODY_ATTRIBUTE_NAME] = $parsed;

        // Positional arguments: named ones cost a lookup each at run time.
        return new Request(
            $remoteAddr,
            $protocol,
            $method,
            $uri,
            $headers,
            $cookies,
            $uploads === '' ? [] : (array) \json_decode($uploads, true, 512, \JSON_THROW_ON_ERROR),
            $attributes,
            $query,
            $parsed && $body === '' ? '{}' : $body,
            $parsed,
        );
    }

    /**
     * Encodes an `http.v1.Response`. Header values may be a string or a list; non-scalar
     * values and headers without values are skipped.
     *
     * @param array<array-key, mixed> $headers
     */
    public static function encodeResponse(int $status, array $headers): string
    {
        if ($status === 0) {
            $out = '';
        } else {
            $out = "\x08" . ($status > 0 && $status < 0x80 ? \chr($status) : self::varint($status));
        }
        foreach ($headers as $name => $values) {
            if (\is_array($values) && \count($values) === 1 && \is_string($v = \reset($values))
                && ($vl = \strlen($v)) < 0x7E && ($kl = \strlen((string) $name)) < 0x7C
                && $vl + $kl < 0x7A
            ) {
                // One short value: every length fits in one byte.
                $out .= "\x12" . \chr($kl + $vl + 6) . "\x0A" . \chr($kl) . $name
                    . "\x12" . \chr($vl + 2) . "\x0A" . \chr($vl) . $v;
                continue;
            }
            $entry = self::mapEntry((string) $name, \is_array($values) ? $values : [$values]);
            if ($entry !== '') {
                $out .= "\x12" . self::varint(\strlen($entry)) . $entry;
            }
        }
        return $out;
    }

    /**
     * Decodes an `http.v1.Response` (used by tests and tools).
     *
     * @return array{0: int, 1: array<string, list<string>>} [status, headers]
     * @throws \UnexpectedValueException on malformed input
     */
    public static function decodeResponse(string $buf): array
    {
        $status = 0;
        $headers = [];
        $pos = 0;
        $end = \strlen($buf);
        while ($pos < $end) {
            $tag = \ord($buf[$pos++]);
            if ($tag === 0x08) {
                $status = self::readVarint($buf, $pos, $end);
            } elseif ($tag === 0x12) {
                $len = self::readVarint($buf, $pos, $end);
                if ($len < 0 || $pos + $len > $end) {
                    throw new \UnexpectedValueException('truncated http.v1.Response');
                }
                [$key, $values] = self::readMapEntry($buf, $pos, $pos + $len);
                $headers[$key] = $values;
                $pos += $len;
            } else {
                self::skipField($buf, $pos, $end, $tag);
            }
        }
        return [$status, $headers];
    }

    /**
     * Encodes an `http.v1.Request` from a context shaped like the JSON one (PROTOCOL.md §4.2):
     * remoteAddr, protocol, method, uri, headers (name → list), cookies (name → string),
     * rawQuery, parsed, uploads (tree or null; sent as JSON text), attributes (name → string
     * or list). Default values are omitted, as protobuf does. Used by tests and benchmarks.
     *
     * @param array<string, mixed> $ctx
     */
    public static function encodeRequest(array $ctx): string
    {
        $out = self::stringField(0x0A, (string) ($ctx['remoteAddr'] ?? ''))
            . self::stringField(0x12, (string) ($ctx['protocol'] ?? ''))
            . self::stringField(0x1A, (string) ($ctx['method'] ?? ''))
            . self::stringField(0x22, (string) ($ctx['uri'] ?? ''));
        foreach ($ctx['headers'] ?? [] as $name => $values) {
            $entry = self::mapEntry((string) $name, (array) $values);
            $out .= "\x2A" . self::varint(\strlen($entry)) . $entry;
        }
        foreach ($ctx['cookies'] ?? [] as $name => $value) {
            $entry = self::mapEntry((string) $name, [(string) $value]);
            $out .= "\x32" . self::varint(\strlen($entry)) . $entry;
        }
        $out .= self::stringField(0x3A, (string) ($ctx['rawQuery'] ?? ''));
        if (!empty($ctx['parsed'])) {
            $out .= "\x40\x01";
        }
        if (!empty($ctx['uploads'])) {
            $out .= self::stringField(0x4A, \json_encode($ctx['uploads'], \JSON_THROW_ON_ERROR));
        }
        foreach ($ctx['attributes'] ?? [] as $name => $values) {
            $list = \is_array($values) ? $values : [(string) $values];
            $entry = self::mapEntry((string) $name, $list);
            $out .= "\x52" . self::varint(\strlen($entry)) . $entry;
        }
        return $out;
    }

    public static function varint(int $n): string
    {
        if ($n >= 0 && $n < 0x80) {
            return \chr($n);
        }
        $out = '';
        while ($n < 0 || $n > 0x7F) {
            $out .= \chr(($n & 0x7F) | 0x80);
            $n = ($n >> 7) & 0x01FFFFFFFFFFFFFF;
        }
        return $out . \chr($n);
    }

    private static function stringField(int $tag, string $value): string
    {
        if ($value === '') {
            return '';
        }
        return \chr($tag) . self::varint(\strlen($value)) . $value;
    }

    /**
     * One map<string, HeaderValue> entry body: {1: key, 2: {1: value...}}; '' when no value
     * survives (non-scalar values are dropped).
     *
     * @param array<array-key, mixed> $values
     */
    private static function mapEntry(string $key, array $values): string
    {
        $hv = '';
        foreach ($values as $v) {
            if (!\is_string($v)) {
                if (!\is_scalar($v)) {
                    continue;
                }
                $v = (string) $v;
            }
            $hv .= "\x0A" . self::varint(\strlen($v)) . $v;
        }
        if ($hv === '') {
            return '';
        }
        return "\x0A" . self::varint(\strlen($key)) . $key
            . "\x12" . self::varint(\strlen($hv)) . $hv;
    }

    /**
     * Reads one map<string, HeaderValue> entry spanning [$pos, $end).
     *
     * @return array{0: string, 1: list<string>}
     */
    private static function readMapEntry(string $buf, int $pos, int $end): array
    {
        $key = '';
        $values = [];
        while ($pos < $end) {
            $tag = \ord($buf[$pos++]);
            if ($tag !== 0x0A && $tag !== 0x12) {
                self::skipField($buf, $pos, $end, $tag);
                continue;
            }
            if ($pos >= $end) {
                throw new \UnexpectedValueException('truncated map entry');
            }
            $len = \ord($buf[$pos++]);
            if ($len > 0x7F) {
                $len = self::varintTail($buf, $pos, $end, $len);
            }
            $next = $pos + $len;
            if ($len < 0 || $next > $end) {
                throw new \UnexpectedValueException('truncated map entry');
            }
            if ($tag === 0x0A) {
                $key = \substr($buf, $pos, $len);
                $pos = $next;
                continue;
            }
            // HeaderValue { repeated bytes value = 1; }
            while ($pos < $next) {
                $vtag = \ord($buf[$pos++]);
                if ($vtag !== 0x0A) {
                    self::skipField($buf, $pos, $next, $vtag);
                    continue;
                }
                if ($pos >= $next) {
                    throw new \UnexpectedValueException('truncated header value');
                }
                $vlen = \ord($buf[$pos++]);
                if ($vlen > 0x7F) {
                    $vlen = self::varintTail($buf, $pos, $next, $vlen);
                }
                if ($vlen < 0 || $pos + $vlen > $next) {
                    throw new \UnexpectedValueException('truncated header value');
                }
                $values[] = \substr($buf, $pos, $vlen);
                $pos += $vlen;
            }
        }
        return [$key, $values];
    }

    private static function readVarint(string $buf, int &$pos, int $end): int
    {
        if ($pos >= $end) {
            throw new \UnexpectedValueException('truncated varint');
        }
        $b = \ord($buf[$pos++]);
        return $b < 0x80 ? $b : self::varintTail($buf, $pos, $end, $b);
    }

    /** Continues a varint whose first byte $first had the continuation bit set. */
    private static function varintTail(string $buf, int &$pos, int $end, int $first): int
    {
        $result = $first & 0x7F;
        $shift = 7;
        while (true) {
            if ($pos >= $end || $shift > 63) {
                throw new \UnexpectedValueException('truncated or overlong varint');
            }
            $b = \ord($buf[$pos++]);
            $result |= ($b & 0x7F) << $shift;
            if ($b < 0x80) {
                return $result;
            }
            $shift += 7;
        }
    }

    /** Skips the value of a field whose tag (possibly a multi-byte varint) starts with $tag. */
    private static function skipField(string $buf, int &$pos, int $end, int $tag): void
    {
        if ($tag > 0x7F) {
            $tag = self::varintTail($buf, $pos, $end, $tag);
        }
        switch ($tag & 0x07) {
            case 0:
                self::readVarint($buf, $pos, $end);
                return;
            case 1:
                $pos += 8;
                break;
            case 2:
                $len = self::readVarint($buf, $pos, $end);
                if ($len < 0) {
                    throw new \UnexpectedValueException('negative length');
                }
                $pos += $len;
                break;
            case 5:
                $pos += 4;
                break;
            default:
                throw new \UnexpectedValueException('unsupported wire type ' . ($tag & 0x07));
        }
        if ($pos > $end) {
            throw new \UnexpectedValueException('truncated field');
        }
    }
}
