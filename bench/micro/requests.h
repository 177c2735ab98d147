#pragma once
// Request heads shared by the micro-benchmarks: what wrk sends, and a browser-like page request
// with cookies (the two ends of what the request path sees in practice).

#include <string_view>

namespace rr::bench {

inline constexpr std::string_view kWrkHead =
    "GET / HTTP/1.1\r\n"
    "Host: 127.0.0.1:8080\r\n"
    "\r\n";

inline constexpr std::string_view kBrowserHead =
    "GET /catalog/items?page=2&sort=price&q=red+shoes HTTP/1.1\r\n"
    "Host: shop.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Referer: https://shop.example.com/catalog/items?page=1\r\n"
    "Connection: keep-alive\r\n"
    "Cookie: session=4f2a9c0d1e7b8a6c5d4e3f2a1b0c9d8e; theme=dark; cart=3; consent=yes\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "Sec-Fetch-Dest: document\r\n"
    "Sec-Fetch-Mode: navigate\r\n"
    "Sec-Fetch-Site: same-origin\r\n"
    "X-Request-Id: 0b7c1f9e-5a3d-4e2b-9c8d-7f6e5d4c3b2a\r\n"
    "\r\n";

}  // namespace rr::bench
