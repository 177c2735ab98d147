<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Internal;

/**
 * Keeps whatever the application prints away from the relay: on pipes stdout *is* the relay,
 * and one stray byte there breaks the frame stream (the server sees a CRC error and kills the
 * worker). Output buffering with a small chunk size hands every echo/print to a callback that
 * copies it to stderr, which the server logs. Frames are written with fwrite(STDOUT), which
 * does not go through output buffering.
 *
 * @internal
 */
final class StdoutHandler
{
    private static bool $registered = false;

    /** @var resource|null */
    private static $stderr = null;

    public static function register(int $chunkSize = 1): void
    {
        if (self::$registered) {
            return;
        }
        self::$registered = true;
        self::$stderr = \fopen('php://stderr', 'ab');

        \ob_start(static function (string $chunk, int $phase): string {
            if ($chunk !== '' && self::$stderr !== null) {
                \fwrite(self::$stderr, $chunk);
            }
            return '';
        }, \max(1, $chunkSize));

        if (\function_exists('header_register_callback')) {
            \header_register_callback(static function (): void {
                if (self::$stderr !== null && \headers_list() !== []) {
                    \fwrite(
                        self::$stderr,
                        "Warning: header() has no effect in a RoadRunner worker; "
                        . "return headers in the response instead\n",
                    );
                }
            });
        }
    }
}
