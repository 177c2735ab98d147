<?php
// Front controller for php-fpm and mod_php in the production profile (bench/production.sh):
// /api/... answers the JSON page, everything else "Hello" as text/plain, as the rr worker does.
require __DIR__ . '/../api.php';

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
if (str_starts_with((string) $path, '/api/')) {
    header('Content-Type: application/json');
    echo bench_api_items();
    return;
}
header('Content-Type: text/plain');
echo 'Hello';
