#include "plugins/static/mime.h"

#include <algorithm>
#include <array>
#include <utility>

#include "common/ascii.h"

namespace rr::plugins {

namespace {

using Entry = std::pair<std::string_view, std::string_view>;

// Sorted by extension (checked by a unit test) for a binary search.
constexpr std::array kTypes = std::to_array<Entry>({
    {".3gp", "video/3gpp"},
    {".7z", "application/x-7z-compressed"},
    {".aac", "audio/aac"},
    {".apng", "image/apng"},
    {".appcache", "text/cache-manifest; charset=utf-8"},
    {".atom", "application/atom+xml"},
    {".avi", "video/x-msvideo"},
    {".avif", "image/avif"},
    {".bin", "application/octet-stream"},
    {".bmp", "image/bmp"},
    {".bz2", "application/x-bzip2"},
    {".css", "text/css; charset=utf-8"},
    {".csv", "text/csv; charset=utf-8"},
    {".doc", "application/msword"},
    {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {".eot", "application/vnd.ms-fontobject"},
    {".epub", "application/epub+zip"},
    {".flac", "audio/flac"},
    {".gif", "image/gif"},
    {".gz", "application/gzip"},
    {".htm", "text/html; charset=utf-8"},
    {".html", "text/html; charset=utf-8"},
    {".ico", "image/vnd.microsoft.icon"},
    {".ics", "text/calendar; charset=utf-8"},
    {".jpeg", "image/jpeg"},
    {".jpg", "image/jpeg"},
    {".js", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".jsonld", "application/ld+json"},
    {".m4a", "audio/mp4"},
    {".m4v", "video/mp4"},
    {".manifest", "text/cache-manifest; charset=utf-8"},
    {".map", "application/json"},
    {".md", "text/markdown; charset=utf-8"},
    {".mid", "audio/midi"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".mov", "video/quicktime"},
    {".mp3", "audio/mpeg"},
    {".mp4", "video/mp4"},
    {".mpeg", "video/mpeg"},
    {".mpg", "video/mpeg"},
    {".odp", "application/vnd.oasis.opendocument.presentation"},
    {".ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {".odt", "application/vnd.oasis.opendocument.text"},
    {".oga", "audio/ogg"},
    {".ogg", "audio/ogg"},
    {".ogv", "video/ogg"},
    {".opus", "audio/ogg"},
    {".otf", "font/otf"},
    {".pdf", "application/pdf"},
    {".png", "image/png"},
    {".ppt", "application/vnd.ms-powerpoint"},
    {".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {".rar", "application/vnd.rar"},
    {".rss", "application/rss+xml"},
    {".rtf", "application/rtf"},
    {".svg", "image/svg+xml"},
    {".svgz", "image/svg+xml"},
    {".tar", "application/x-tar"},
    {".tgz", "application/gzip"},
    {".tif", "image/tiff"},
    {".tiff", "image/tiff"},
    {".ts", "video/mp2t"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".vtt", "text/vtt; charset=utf-8"},
    {".wasm", "application/wasm"},
    {".wav", "audio/wav"},
    {".weba", "audio/webm"},
    {".webm", "video/webm"},
    {".webmanifest", "application/manifest+json"},
    {".webp", "image/webp"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".xhtml", "application/xhtml+xml"},
    {".xls", "application/vnd.ms-excel"},
    {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {".xml", "text/xml; charset=utf-8"},
    {".xz", "application/x-xz"},
    {".yaml", "application/yaml"},
    {".yml", "application/yaml"},
    {".zip", "application/zip"},
    {".zst", "application/zstd"},
});

constexpr bool sorted() {
    for (std::size_t i = 1; i < kTypes.size(); ++i) {
        if (!(kTypes[i - 1].first < kTypes[i].first)) return false;
    }
    return true;
}
static_assert(sorted(), "kTypes must stay sorted by extension");

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

/// Case-insensitive prefix test after leading whitespace (HTML signatures).
bool starts_with_tag(std::string_view s, std::string_view tag) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' ||
                          s.front() == '\r' || s.front() == '\f')) {
        s.remove_prefix(1);
    }
    if (s.size() < tag.size()) return false;
    for (std::size_t i = 0; i < tag.size(); ++i) {
        if (ascii::to_lower(s[i]) != tag[i]) return false;
    }
    // The tag must end with a space or '>' (Go's htmlSig).
    return s.size() > tag.size() && (s[tag.size()] == ' ' || s[tag.size()] == '>');
}

/// Go's "binary data byte" set (the WHATWG MIME sniffing spec).
bool is_binary_byte(unsigned char c) {
    return c <= 0x08 || c == 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f);
}

}  // namespace

std::string_view content_type_for_extension(std::string_view extension) noexcept {
    const auto it =
        std::lower_bound(kTypes.begin(), kTypes.end(), extension,
                         [](const Entry& e, std::string_view key) { return e.first < key; });
    if (it != kTypes.end() && it->first == extension) return it->second;
    return {};
}

std::string_view sniff_content_type(std::string_view head) noexcept {
    head = head.substr(0, 512);
    struct Magic {
        std::string_view prefix;
        std::string_view type;
    };
    static constexpr std::array<Magic, 14> kMagic = {{
        {"\x89PNG\r\n\x1a\n", "image/png"},
        {"\xff\xd8\xff", "image/jpeg"},
        {"GIF87a", "image/gif"},
        {"GIF89a", "image/gif"},
        {"%PDF-", "application/pdf"},
        {"PK\x03\x04", "application/zip"},
        {std::string_view("\x1f\x8b\x08", 3), "application/x-gzip"},
        {"Rar!\x1a\x07", "application/x-rar-compressed"},
        {std::string_view("\x00\x61\x73\x6d", 4), "application/wasm"},
        {"wOFF", "font/woff"},
        {"wOF2", "font/woff2"},
        {std::string_view("OggS\x00", 5), "application/ogg"},
        {"ID3", "audio/mpeg"},
        {"BM", "image/bmp"},
    }};
    for (const auto& m : kMagic) {
        if (starts_with(head, m.prefix)) return m.type;
    }
    if (head.size() >= 12 && starts_with(head, "RIFF") && head.substr(8, 4) == "WEBP") {
        return "image/webp";
    }
    if (starts_with(head, "\xef\xbb\xbf")) return "text/plain; charset=utf-8";  // UTF-8 BOM
    for (std::string_view tag :
         {"<!doctype html", "<html", "<head", "<script", "<body", "<p", "<div", "<table", "<title",
          "<style", "<iframe", "<a", "<br", "<h1", "<font", "<b", "<!--"}) {
        if (starts_with_tag(head, tag)) return "text/html; charset=utf-8";
    }
    if (starts_with(head, "<?xml")) return "text/xml; charset=utf-8";
    for (char c : head) {
        if (is_binary_byte(static_cast<unsigned char>(c))) return "application/octet-stream";
    }
    return "text/plain; charset=utf-8";
}

}  // namespace rr::plugins
