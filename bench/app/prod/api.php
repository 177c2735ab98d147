<?php
// The production profile's small JSON API answer, the same bytes for every target (rr's PSR-7
// worker, php-fpm and mod_php): a page of 12 items, ~1.6 KiB, above the 1 KiB gzip threshold
// every target is given, so each one compresses it (wrk sends Accept-Encoding: gzip).
function bench_api_items(): string
{
    static $json = null;
    if ($json === null) {
        $items = [];
        for ($i = 1; $i <= 12; $i++) {
            $items[] = [
                'id' => $i,
                'name' => "Item $i",
                'price' => round(9.99 * $i, 2),
                'tags' => ['bench', $i % 2 ? 'odd' : 'even'],
                'in_stock' => $i % 3 !== 0,
                'updated_at' => '2026-12-03T12:00:00Z',
            ];
        }
        $json = json_encode(['data' => $items, 'meta' => ['page' => 1, 'per_page' => 12, 'total' => 12]]);
    }
    return $json;
}
