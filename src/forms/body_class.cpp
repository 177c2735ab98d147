#include "forms/body_class.h"

#include "forms/media_type.h"

namespace rr::forms {

Result<BodyClass> classify_body(std::string_view method, std::string_view content_type,
                                bool raw_body) {
    BodyClass out;
    if (method == "HEAD" || method == "OPTIONS") {
        out.kind = BodyKind::kNone;
        return out;
    }
    constexpr std::string_view kUrlencodedType = "application/x-www-form-urlencoded";
    constexpr std::string_view kMultipartType = "multipart/form-data";
    if (content_type.find(kUrlencodedType) != std::string_view::npos) {
        out.kind = BodyKind::kUrlencoded;
    } else if (content_type.find(kMultipartType) != std::string_view::npos) {
        out.kind = BodyKind::kMultipart;
    } else {
        out.kind = BodyKind::kRaw;
        return out;
    }
    if (raw_body) {
        out.kind = BodyKind::kRaw;
        return out;
    }

    auto media = parse_media_type(content_type);
    if (!media) {
        return make_error_code(errc::kFormBadContentType);
    }
    if (out.kind == BodyKind::kUrlencoded) {
        out.form_in_body = media.value().type == kUrlencodedType &&
                           (method == "POST" || method == "PUT" || method == "PATCH");
        return out;
    }
    const std::string* boundary = media.value().param("boundary");
    if (media.value().type != kMultipartType || boundary == nullptr || boundary->empty() ||
        boundary->size() > kMaxBoundaryLength) {
        return make_error_code(errc::kFormBadContentType);
    }
    out.boundary = *boundary;
    return out;
}

}  // namespace rr::forms
