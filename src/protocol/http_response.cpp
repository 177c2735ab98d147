// Response head decoders (PROTOCOL.md §4.6) and the codec dispatchers.

#include "common/ascii.h"
#include "protocol/frame.h"
#include "protocol/http_payload.h"
#include "protocol/json_reader.h"
#include "protocol/payload_util.h"

namespace rr::protocol {
namespace {

using rr::ascii::iequals;

constexpr errc kBad = errc::kHttpBadWorkerResponse;

void reset(HttpResponseHead& out) noexcept {
    out.present = false;
    out.status = 0;
    out.headers.clear();
    out.storage.reset();
}

// ----- JSON -----

bool read_json_headers(detail::JsonReader& r, detail::JsonScratch& scratch,
                       std::vector<HttpField>& headers) {
    if (r.consume_null()) return true;
    if (!r.consume('{')) return false;
    bool first = true;
    for (;;) {
        std::string_view name;
        bool done = false;
        if (!r.next_member(name, done, first, scratch)) return false;
        if (done) return true;
        if (r.consume_null()) continue;
        if (!r.consume('[')) return false;
        bool first_value = true;
        for (;;) {
            bool end = false;
            if (!r.next_element(end, first_value)) return false;
            if (end) break;
            std::string_view value;
            if (!r.read_string(value, scratch)) return false;
            headers.push_back({name, value});
        }
    }
}

// ----- protobuf -----

class WireReader {
public:
    explicit WireReader(std::string_view bytes) noexcept
        : p_(reinterpret_cast<const unsigned char*>(bytes.data())), end_(p_ + bytes.size()) {}

    bool empty() const noexcept { return p_ == end_; }

    /// At most 10 bytes; the 10th may only carry bit 63 (as Go's protowire).
    bool varint(std::uint64_t& v) noexcept {
        v = 0;
        for (int i = 0; i < 10; ++i) {
            if (p_ == end_) return false;
            const unsigned char b = *p_++;
            if (i == 9 && b > 1) return false;
            v |= static_cast<std::uint64_t>(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }

    bool tag(std::uint32_t& field, std::uint32_t& wire_type) noexcept {
        std::uint64_t t = 0;
        if (!varint(t)) return false;
        field = static_cast<std::uint32_t>(t >> 3);
        wire_type = static_cast<std::uint32_t>(t & 7);
        return field != 0 && (t >> 3) <= 0x1FFFFFFFu;
    }

    bool bytes(std::string_view& out) noexcept {
        std::uint64_t len = 0;
        if (!varint(len) || len > static_cast<std::uint64_t>(end_ - p_)) return false;
        out = std::string_view(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(len));
        p_ += len;
        return true;
    }

    bool skip(std::uint32_t wire_type) noexcept {
        switch (wire_type) {
            case 0: {
                std::uint64_t v = 0;
                return varint(v);
            }
            case 1:
                return advance(8);
            case 2: {
                std::string_view ignored;
                return bytes(ignored);
            }
            case 5:
                return advance(4);
            default:
                return false;  // groups (3, 4) and reserved types are not used here
        }
    }

private:
    bool advance(std::size_t n) noexcept {
        if (static_cast<std::size_t>(end_ - p_) < n) return false;
        p_ += n;
        return true;
    }

    const unsigned char* p_;
    const unsigned char* end_;
};

/// Appends the values of one HeaderValue message.
bool read_header_value(std::string_view message, std::string_view name,
                       std::vector<HttpField>& headers) {
    WireReader r(message);
    while (!r.empty()) {
        std::uint32_t field = 0;
        std::uint32_t wt = 0;
        if (!r.tag(field, wt)) return false;
        if (field == 1 && wt == 2) {
            std::string_view value;
            if (!r.bytes(value)) return false;
            headers.push_back({name, value});
        } else if (!r.skip(wt)) {
            return false;
        }
    }
    return true;
}

/// One map<string, HeaderValue> entry. The key may follow the value on the wire, so the entry
/// is read twice: once for the key (last one wins), once for the values.
bool read_header_entry(std::string_view entry, std::vector<HttpField>& headers) {
    std::string_view name;
    {
        WireReader r(entry);
        while (!r.empty()) {
            std::uint32_t field = 0;
            std::uint32_t wt = 0;
            if (!r.tag(field, wt)) return false;
            if (field == 1 && wt == 2) {
                if (!r.bytes(name)) return false;
            } else if (!r.skip(wt)) {
                return false;
            }
        }
    }
    WireReader r(entry);
    while (!r.empty()) {
        std::uint32_t field = 0;
        std::uint32_t wt = 0;
        if (!r.tag(field, wt)) return false;
        if (field == 2 && wt == 2) {
            std::string_view message;
            if (!r.bytes(message) || !read_header_value(message, name, headers)) return false;
        } else if (!r.skip(wt)) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::uint8_t codec_flag(HttpCodec codec) noexcept {
    return codec == HttpCodec::kProto ? flag::kCodecProto : flag::kCodecJson;
}

std::size_t encode_request(HttpCodec codec, const HttpRequestContext& ctx, std::string& out) {
    const std::size_t before = out.size();
    if (codec == HttpCodec::kProto) {
        encode_request_proto(ctx, out);
    } else {
        encode_request_json(ctx, out);
    }
    return out.size() - before;
}

Result<void> decode_response_json(std::string_view context, HttpResponseHead& out) {
    reset(out);
    if (context.empty()) {
        return success();
    }
    detail::JsonReader r(context);
    detail::JsonScratch scratch;
    if (!r.consume('{')) return kBad;
    bool first = true;
    for (;;) {
        std::string_view key;
        bool done = false;
        if (!r.next_member(key, done, first, scratch)) return kBad;
        if (done) break;
        if (iequals(key, "status")) {
            if (r.consume_null()) {
                out.status = 0;
            } else if (!r.read_int64(out.status)) {
                return kBad;
            }
        } else if (iequals(key, "headers")) {
            if (!read_json_headers(r, scratch, out.headers)) return kBad;
        } else if (!r.skip_value(1)) {
            return kBad;
        }
    }
    if (!r.at_end()) return kBad;
    out.storage = scratch.release();
    out.present = true;
    return success();
}

Result<void> decode_response_proto(std::string_view context, HttpResponseHead& out) {
    reset(out);
    if (context.empty()) {
        return success();
    }
    WireReader r(context);
    while (!r.empty()) {
        std::uint32_t field = 0;
        std::uint32_t wt = 0;
        if (!r.tag(field, wt)) return kBad;
        if (field == 1 && wt == 0) {
            std::uint64_t v = 0;
            if (!r.varint(v)) return kBad;
            out.status = static_cast<std::int64_t>(v);  // int64: two's complement on the wire
        } else if (field == 2 && wt == 2) {
            std::string_view entry;
            if (!r.bytes(entry) || !read_header_entry(entry, out.headers)) return kBad;
        } else if (!r.skip(wt)) {
            return kBad;
        }
    }
    out.present = true;
    return success();
}

Result<HttpResponseHead> decode_response_json(std::string_view context) {
    HttpResponseHead head;
    if (auto r = decode_response_json(context, head); !r) return r.error();
    return head;
}

Result<HttpResponseHead> decode_response_proto(std::string_view context) {
    HttpResponseHead head;
    if (auto r = decode_response_proto(context, head); !r) return r.error();
    return head;
}

Result<HttpResponseHead> decode_response(HttpCodec codec, std::string_view context) {
    return codec == HttpCodec::kProto ? decode_response_proto(context)
                                      : decode_response_json(context);
}

Result<void> decode_response(HttpCodec codec, std::string_view context, HttpResponseHead& out) {
    return codec == HttpCodec::kProto ? decode_response_proto(context, out)
                                      : decode_response_json(context, out);
}

}  // namespace rr::protocol
