// libFuzzer target for the HTTP payload codecs (protocol/http_payload.h).
//
// 1. Both response decoders accept or reject any input without crashing; every decoded view
//    lies inside the input or the head's own storage.
// 2. Request encoders on fields cut from the input: the JSON output is always valid JSON whose
//    strings decode back to the (UTF-8-repaired) inputs, and the protobuf output is well-formed
//    wire data of exactly the announced size.
// 3. decode(encode(response)) == response for both response codecs.

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "protocol/http_payload.h"

namespace {

using namespace rr::protocol;

void check(bool ok) {
    if (!ok) std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

void check_head(const HttpResponseHead& head, std::string_view input) {
    for (const auto& f : head.headers) {
        // Views point into the input or into storage (which is at most input-sized).
        const std::string_view storage(head.storage.get(), head.storage ? input.size() : 0);
        check(inside(f.name, input) || inside(f.name, storage));
        check(inside(f.value, input) || inside(f.value, storage));
    }
}

// Walks protobuf wire data; returns false if malformed. Depth-limited recursion into
// length-delimited fields is not attempted (they may be strings).
bool wire_ok(std::string_view s) {
    std::size_t i = 0;
    auto varint = [&](std::uint64_t& v) {
        v = 0;
        for (int k = 0; k < 10 && i < s.size(); ++k) {
            const auto b = static_cast<unsigned char>(s[i++]);
            v |= static_cast<std::uint64_t>(b & 0x7F) << (7 * k);
            if ((b & 0x80) == 0) return true;
        }
        return false;
    };
    while (i < s.size()) {
        std::uint64_t tag = 0;
        if (!varint(tag)) return false;
        const auto wt = tag & 7;
        if (wt == 0) {
            std::uint64_t v = 0;
            if (!varint(v)) return false;
        } else if (wt == 2) {
            std::uint64_t len = 0;
            if (!varint(len) || len > s.size() - i) return false;
            i += len;
        } else {
            return false;  // the encoder only emits varints and length-delimited fields
        }
    }
    return true;
}

/// Expected form of a string after the codecs' UTF-8 repair, computed independently of them
/// (the old oracle encoded a request per string and parsed it with nlohmann::json, which made
/// this target ~3x slower): decode code points as Go's utf8.DecodeRune does; every byte that
/// does not start a well-formed sequence (bad lead or continuation, overlong, surrogate,
/// above U+10FFFF, truncated) becomes U+FFFD, one per byte.
std::string repaired(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        std::uint32_t min = 0;
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        }
        bool ok = len != 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            ok = (b & 0xC0) == 0x80;
            cp = (cp << 6) | (b & 0x3F);
        }
        ok = ok && cp >= min && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out.append("\xEF\xBF\xBD");
            ++i;
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // 1. Decoders.
    if (auto r = decode_response_json(input)) {
        check(r.value().present == !input.empty());
        check_head(r.value(), input);
    }
    if (auto r = decode_response_proto(input)) {
        check(r.value().present == !input.empty());
        check_head(r.value(), input);
    }

    // 2. Encoders: split the input at 0x00 bytes into up to 12 strings.
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= input.size() && parts.size() < 12; ++i) {
        if (i == input.size() || input[i] == '\0') {
            parts.push_back(input.substr(start, i - start));
            start = i + 1;
        }
    }
    while (parts.size() < 12) parts.emplace_back();
    const std::vector<HttpField> headers{
        {parts[5], parts[6]}, {parts[7], parts[8]}, {parts[5], parts[9]}};
    const std::vector<HttpField> cookies{{parts[10], parts[11]}};
    const std::vector<HttpField> attributes{{parts[6], parts[0]}};
    HttpRequestContext ctx;
    ctx.remote_addr = parts[0];
    ctx.protocol = parts[1];
    ctx.method = parts[2];
    ctx.uri = parts[3];
    ctx.raw_query = parts[4];
    ctx.headers = headers;
    ctx.cookies = cookies;
    ctx.attributes = attributes;
    ctx.parsed = size % 2 == 1;

    std::string json;
    encode_request_json(ctx, json);
    const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    check(!doc.is_discarded());
    check(doc["method"].get<std::string>() == repaired(parts[2]));
    check(doc["uri"].get<std::string>() == repaired(parts[3]));
    check(doc["parsed"].get<bool>() == ctx.parsed);
    check(doc["uploads"].is_null());

    // 3. Response encoders round-trip through the decoders (strings UTF-8-repaired).
    std::int64_t status = 0;
    for (std::size_t i = 0; i < 8 && i < size; ++i) {
        status = static_cast<std::int64_t>((static_cast<std::uint64_t>(status) << 8) | data[i]);
    }
    for (const HttpCodec codec : {HttpCodec::kJson, HttpCodec::kProto}) {
        std::string encoded;
        if (codec == HttpCodec::kJson) {
            encode_response_json(status, headers, encoded);
        } else {
            encode_response_proto(status, headers, encoded);
        }
        auto head = decode_response(codec, encoded);
        check(head.has_value());
        check(head.value().status == status);
        // Grouped order: parts[5] (two values), then parts[7].
        std::vector<std::pair<std::string_view, std::string_view>> expected;
        if (parts[5] == parts[7]) {
            expected = {{parts[5], parts[6]}, {parts[5], parts[8]}, {parts[5], parts[9]}};
        } else {
            expected = {{parts[5], parts[6]}, {parts[5], parts[9]}, {parts[7], parts[8]}};
        }
        check(head.value().headers.size() == expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            check(head.value().headers[i].name == repaired(expected[i].first));
            check(head.value().headers[i].value == repaired(expected[i].second));
        }
    }

    std::string proto = "xy";
    const std::size_t n = encode_request(HttpCodec::kProto, ctx, proto);
    check(proto.size() == n + 2);
    check(wire_ok(std::string_view(proto).substr(2)));
    return 0;
}
