<?php

declare(strict_types=1);

namespace Spiral\RoadRunner;

/**
 * Version of this library. Without Composer metadata the fallback is reported.
 */
final class Version
{
    public const PACKAGE_NAMES = ['spiral/roadrunner', 'spiral/roadrunner-worker'];
    public const VERSION_FALLBACK = 'dev-master';

    public static function current(): string
    {
        if (\class_exists(\Composer\InstalledVersions::class)) {
            foreach (self::PACKAGE_NAMES as $name) {
                if (\Composer\InstalledVersions::isInstalled($name)) {
                    $version = (string) \Composer\InstalledVersions::getPrettyVersion($name);
                    return \ltrim($version, 'v');
                }
            }
        }
        return self::VERSION_FALLBACK;
    }

    public static function constraint(): string
    {
        $version = self::current();
        if ($version === self::VERSION_FALLBACK) {
            return '*';
        }
        $parts = \explode('.', $version);
        return '^' . $parts[0] . '.' . ($parts[1] ?? '0');
    }
}
