<?php

/**
 * Autoloader for the rr PHP worker library without Composer.
 *
 * Registers PSR-4 prefixes for our own code and then loads the PSR interfaces and nyholm/psr7
 * from Debian's packages under /usr/share/php when they are installed. With Composer, use
 * vendor/autoload.php instead; both can coexist (every loader only answers for its prefixes).
 */

declare(strict_types=1);

(static function (): void {
    $prefixes = [
        'Spiral\\Goridge\\' => __DIR__ . '/src/Goridge/',
        'Spiral\\RoadRunner\\' => __DIR__ . '/src/RoadRunner/',
    ];

    spl_autoload_register(static function (string $class) use ($prefixes): void {
        foreach ($prefixes as $prefix => $dir) {
            if (strncmp($class, $prefix, strlen($prefix)) === 0) {
                $file = $dir . strtr(substr($class, strlen($prefix)), '\\', '/') . '.php';
                if (is_file($file)) {
                    require $file;
                }
                return;
            }
        }
    });

    // Debian packages: php-psr-http-message, php-psr-http-factory, php-psr-log, php-nyholm-psr7.
    $system = [
        'Psr/Http/Message/autoload.php',
        'Psr/Http/Message/factory-autoload.php',
        'Psr/Log/autoload.php',
        'Nyholm/Psr7/autoload.php',
    ];
    foreach (['/usr/share/php/'] as $root) {
        foreach ($system as $file) {
            if (is_file($root . $file)) {
                require_once $root . $file;
            }
        }
    }
})();
