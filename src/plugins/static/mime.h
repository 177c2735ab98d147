#pragma once
// Content types for static files: a built-in table by extension (Go's mime built-ins plus the
// common web types of Debian's /etc/mime.types; text types carry "; charset=utf-8" as Go adds
// it), and a small content sniffer for unknown extensions (a subset of Go's
// http.DetectContentType: common magic numbers, HTML/XML, else text or octet-stream).
// No libmagic. Thread safety: stateless.

#include <string_view>

namespace rr::plugins {

/// The type for a lower-cased extension with the dot (".css"), or "" when unknown.
std::string_view content_type_for_extension(std::string_view extension) noexcept;

/// The type of a body from its first bytes (up to 512 are looked at).
std::string_view sniff_content_type(std::string_view head) noexcept;

}  // namespace rr::plugins
