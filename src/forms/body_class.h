#pragma once
// Request body classification (spec PROTOCOL.md §4.4, RoadRunner handler/request.go).
//
// Thread safety: stateless, safe from any thread.

#include <string>
#include <string_view>

#include "common/result.h"

namespace rr::forms {

enum class BodyKind {
    kNone,        ///< HEAD or OPTIONS: the body is not read; parsed=false, empty body
    kRaw,         ///< anything else: raw bytes, parsed=false
    kUrlencoded,  ///< form fields → data tree JSON body, parsed=true
    kMultipart,   ///< fields → data tree JSON body, files → uploads tree, parsed=true
};

struct BodyClass {
    BodyKind kind = BodyKind::kRaw;
    /// kMultipart: the boundary parameter (never empty).
    std::string boundary;
    /// kUrlencoded: whether the body holds the fields. Go's ParseForm reads the body only for
    /// POST, PUT and PATCH and only when the media type is exactly
    /// application/x-www-form-urlencoded; otherwise the tree is `{}` and the body is ignored.
    bool form_in_body = false;
};

/// Longest multipart boundary we accept (RFC 2046 allows 70; browsers use ~40-70).
inline constexpr std::size_t kMaxBoundaryLength = 256;

/// Classifies a request body. Checked in order: method HEAD/OPTIONS → kNone; Content-Type
/// containing (case-sensitively, as RoadRunner checks) `application/x-www-form-urlencoded`
/// → kUrlencoded; containing `multipart/form-data` → kMultipart; else kRaw. With
/// `raw_body` both form kinds become kRaw (RoadRunner 2024 behaviour).
/// Errors (the request fails, as in RoadRunner): errc::kFormBadContentType when a form
/// Content-Type does not parse as a media type, or a multipart one is not exactly
/// multipart/form-data or has no usable boundary (empty or over kMaxBoundaryLength).
Result<BodyClass> classify_body(std::string_view method, std::string_view content_type,
                                bool raw_body);

}  // namespace rr::forms
