#pragma once
// Form body parsing for one request: urlencoded or multipart bytes in, the PHP-style data tree
// JSON, the uploads tree JSON and the owned temp files out (spec PROTOCOL.md §4.4).
//
//   auto cls = classify_body(method, content_type, raw_body);   // body_class.h
//   if (cls && is_form(cls.value().kind)) {
//       FormParser parser(cls.value(), settings);
//       for (chunk : body) if (auto ec = parser.feed(chunk)) → fail the request
//       auto form = parser.finish();   // Result<ParsedForm>; keep it until the response is done
//       payload body = form.value().data_json; context uploads = form.value().uploads_json;
//   }
//
// Thread safety: one thread at a time per parser (the connection's). Temp files are written
// synchronously with write(2) on the calling thread, as Go's handler does per request.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "forms/body_class.h"
#include "forms/multipart_reader.h"
#include "forms/uploads.h"

namespace rr::forms {

struct FormSettings {
    UploadSettings uploads;
    /// urlencoded bodies above this fail (kFormTooLarge). Go's ParseForm caps them at 10 MB;
    /// current RoadRunner (and the http plugin) sets this to max_request_size.
    std::size_t max_urlencoded_bytes = 10u << 20;
    /// Total bytes of all multipart field names and values (files excluded). Go allows
    /// 32 MiB + 10 MiB before "multipart: message too large".
    std::size_t max_value_bytes = 42u << 20;
    MultipartLimits multipart;
};

inline bool is_form(BodyKind kind) noexcept {
    return kind == BodyKind::kUrlencoded || kind == BodyKind::kMultipart;
}

/// A parsed form. Owns the uploaded temp files: they are unlinked when this object is
/// destroyed, so keep it alive until the worker has answered (RoadRunner removes them after
/// the response, whatever PHP did).
struct ParsedForm {
    /// The data tree as a JSON object, `{}` when empty. Send as the body with parsed=true.
    std::string data_json;
    /// multipart: the uploads tree as a JSON object (`{}` when there were no files).
    /// urlencoded: empty (JSON context: send `null`; protobuf: leave `uploads` empty).
    std::string uploads_json;
    /// Every file part in body order, including ones the tree does not reference (a second
    /// file under a plain name), as RoadRunner also copies them all.
    std::vector<UploadedFile> files;
};

class FormParser {
public:
    /// `body.kind` must be kUrlencoded or kMultipart (any other kind parses as an empty form).
    /// `settings` must outlive the parser.
    FormParser(const BodyClass& body, const FormSettings& settings);
    ~FormParser();  // removes the temp files of an unfinished or failed parse
    FormParser(const FormParser&) = delete;
    FormParser& operator=(const FormParser&) = delete;

    /// Consumes the next body chunk (any size). Errors (the request fails): kFormTooLarge,
    /// kFormMalformed, or a multipart framing error. After an error every call returns it.
    boost::system::error_code feed(std::string_view chunk);

    /// Ends the body and builds the trees. Errors: kFormTruncated (multipart without its
    /// closing boundary), kFormMalformed (a bad urlencoded escape or `;`), kFormInvalidTree
    /// (a name used both as value and branch; see error_detail()), or feed()'s error.
    /// Call once.
    Result<ParsedForm> finish();

    /// Human-readable cause of the last error, e.g. "invalid multiple values to key 'a' in
    /// tree"; empty when there was none.
    const std::string& error_detail() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rr::forms
