<?php

declare(strict_types=1);

namespace Rr\Tests\Stub;

/**
 * The golden frames shared with the C++ tests (tests/vectors/index.json).
 */
final class Vectors
{
    /** @var array<string, array<string, mixed>>|null */
    private static ?array $byName = null;

    /** @return array<string, array<string, mixed>> */
    public static function all(): array
    {
        if (self::$byName === null) {
            $json = \file_get_contents(__DIR__ . '/../../../tests/vectors/index.json');
            \assert($json !== false);
            self::$byName = [];
            foreach (\json_decode($json, true, 512, \JSON_THROW_ON_ERROR) as $vector) {
                self::$byName[$vector['name']] = $vector;
            }
        }
        return self::$byName;
    }

    /** Wire bytes of the named golden frame. */
    public static function frame(string $name): string
    {
        return (string) \hex2bin(self::all()[$name]['frame_hex']);
    }

    public static function payload(string $name): string
    {
        return (string) \hex2bin(self::all()[$name]['payload_hex']);
    }
}
