#include "http/h2/core.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>

#include "http/mapping.h"

namespace rr::http::h2 {

namespace {

/// A header list far over the limit is not even worth a 431: the stream is reset (HPACK bomb).
constexpr std::size_t kBombFactor = 4;
/// The per-field overhead SETTINGS_MAX_HEADER_LIST_SIZE counts (RFC 9113 §6.5.2).
constexpr std::size_t kFieldOverhead = 32;

bool connection_specific(std::string_view lower) {
    return lower == "connection" || lower == "keep-alive" || lower == "proxy-connection" ||
           lower == "transfer-encoding" || lower == "upgrade";
}

std::optional<std::uint64_t> parse_length(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

std::string_view view(const std::uint8_t* p, std::size_t n) {
    return {reinterpret_cast<const char*>(p), n};
}

/// Lower-cased, sanitised fields for nghttp2 (which copies them during the submit call). Names
/// and values go into one arena sized up front, so a response costs two allocations here
/// whatever its field count.
struct NvList {
    std::string arena;
    std::vector<nghttp2_nv> nva;
    struct Span {
        std::size_t name, name_len, value, value_len;
    };
    std::vector<Span> spans;

    void add(std::string_view lower_name, std::string_view value) {
        Span sp{arena.size(), lower_name.size(), 0, value.size()};
        arena.append(lower_name);
        sp.value = arena.size();
        arena.append(value);
        for (std::size_t i = sp.value; i < arena.size(); ++i) {
            char& c = arena[i];
            if (c == '\r' || c == '\n' || c == '\0') c = ' ';  // no field splitting
        }
        spans.push_back(sp);
    }
    void build() {
        nva.clear();
        nva.reserve(spans.size());
        auto* base = reinterpret_cast<std::uint8_t*>(arena.data());
        for (const Span& sp : spans) {
            nva.push_back(nghttp2_nv{base + sp.name, base + sp.value, sp.name_len, sp.value_len,
                                     NGHTTP2_NV_FLAG_NONE});
        }
    }
};

char lower_ascii(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

struct Callbacks {
    static Core& core(void* user) { return *static_cast<Core*>(user); }

    static void submit_trailers(nghttp2_session* session, std::int32_t stream_id,
                                const std::vector<Field>& trailers) {
        NvList l;
        for (const auto& t : trailers) {
            std::string name(t.name);
            for (char& ch : name) ch = lower_ascii(ch);
            l.add(name, t.value);
        }
        l.build();
        auto& nva = l.nva;
        nghttp2_submit_trailer(session, stream_id, nva.data(), nva.size());
    }

    static int on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
        if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
            return 0;
        }
        StreamState& s = core(user).create(frame->hd.stream_id);
        nghttp2_session_set_stream_user_data(session, frame->hd.stream_id, &s);
        return 0;
    }

    static int on_header(nghttp2_session* session, const nghttp2_frame* frame,
                         const std::uint8_t* name, std::size_t namelen, const std::uint8_t* value,
                         std::size_t valuelen, std::uint8_t /*flags*/, void* user) {
        Core& c = core(user);
        auto* s = static_cast<StreamState*>(
            nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
        if (s == nullptr) return 0;
        s->header_bytes += namelen + valuelen + kFieldOverhead;
        if (s->header_bytes > c.limits_.max_header_bytes) {
            if (s->header_bytes > kBombFactor * c.limits_.max_header_bytes) {
                return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // RST_STREAM
            }
            if (!s->ready) s->refuse_status = 431;
            return 0;
        }
        if (frame->headers.cat != NGHTTP2_HCAT_REQUEST || s->refuse_status != 0) {
            return 0;  // trailers are counted, not kept (as HTTP/1.1 request trailers)
        }
        const std::string_view n = view(name, namelen);
        const std::string_view v = view(value, valuelen);
        RequestHead& h = s->head;
        if (!n.empty() && n.front() == ':') {
            if (n == ":method") {
                h.method.assign(v);
            } else if (n == ":path") {
                h.target.assign(v);
            } else if (n == ":authority") {
                h.host.assign(v);
            }
            return 0;  // :scheme (and any other pseudo-header nghttp2 let through) not kept
        }
        if (n == "host" && h.host.empty()) h.host.assign(v);
        if (n == "expect" && iequals(v, "100-continue")) h.expect_continue = true;
        std::string key(n);
        canonicalize_header_key(key);
        h.fields.add(std::move(key), std::string(v));
        return 0;
    }

    static int on_frame_recv(nghttp2_session* /*session*/, const nghttp2_frame* frame, void* user) {
        Core& c = core(user);
        const bool end_stream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
        switch (frame->hd.type) {
            case NGHTTP2_HEADERS: {
                StreamState* s = c.find(frame->hd.stream_id);
                if (s == nullptr) return 0;
                if (frame->headers.cat == NGHTTP2_HCAT_REQUEST && !s->ready) {
                    if (end_stream) s->body_done = true;
                    c.finish_head(*s);
                    c.listener_.on_request(*s);
                } else if (end_stream) {
                    s->body_done = true;  // trailers end the body
                    c.listener_.on_stream_update(*s);
                }
                return 0;
            }
            case NGHTTP2_DATA: {
                if (frame->hd.length == 0 && !end_stream && !c.spend_control_token()) return 0;
                StreamState* s = c.find(frame->hd.stream_id);
                if (s != nullptr && end_stream) {
                    s->body_done = true;
                    c.listener_.on_stream_update(*s);
                }
                return 0;
            }
            case NGHTTP2_SETTINGS:
            case NGHTTP2_PING:
                if ((frame->hd.flags & NGHTTP2_FLAG_ACK) == 0) c.spend_control_token();
                return 0;
            case NGHTTP2_PRIORITY:
            case NGHTTP2_RST_STREAM:
            case NGHTTP2_WINDOW_UPDATE:
                c.spend_control_token();
                return 0;
            default:
                return 0;
        }
    }

    static int on_data_chunk(nghttp2_session* session, std::uint8_t /*flags*/,
                             std::int32_t stream_id, const std::uint8_t* data, std::size_t len,
                             void* user) {
        Core& c = core(user);
        StreamState* s = c.find(stream_id);
        if (s == nullptr || s->discard_body || s->body_too_large) {
            nghttp2_session_consume(session, stream_id, len);
            return 0;
        }
        s->body_received += len;
        if (s->body_received > c.limits_.max_request_size) {
            s->body_too_large = true;
            nghttp2_session_consume(session, stream_id, len + s->body.size());
            s->body.clear();
        } else {
            s->body.append(reinterpret_cast<const char*>(data), len);
        }
        c.listener_.on_stream_update(*s);
        return 0;
    }

    static int on_stream_close(nghttp2_session* /*session*/, std::int32_t stream_id,
                               std::uint32_t error_code, void* user) {
        Core& c = core(user);
        StreamState* s = c.find(stream_id);
        if (s == nullptr) return 0;
        s->closed = true;
        s->close_error = error_code;
        if (!s->ready) {
            s->driver_done = true;  // never reported: nobody will release it
        } else {
            c.listener_.on_stream_update(*s);
        }
        c.erase_if_finished(*s);
        return 0;
    }

    static int on_frame_send(nghttp2_session* /*session*/, const nghttp2_frame* frame, void* user) {
        Core& c = core(user);
        if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
        StreamState* s = c.find(frame->hd.stream_id);
        if (s == nullptr) return 0;
        s->bytes_sent += frame->hd.length;
        if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
            s->response_done = true;
            // Answered (a refusal, or the handler is done) while the body is still coming.
            if (s->driver_done && !s->body_done) c.reset(*s, ErrorCode::kNoError);
            c.listener_.on_stream_update(*s);
        }
        return 0;
    }

    static int on_error(nghttp2_session* /*session*/, int /*lib_error_code*/, const char* msg,
                        std::size_t len, void* user) {
        core(user).error_.assign(msg, len);
        return 0;
    }

    static ssize_t read_data(nghttp2_session* session, std::int32_t stream_id, std::uint8_t* buf,
                             std::size_t length, std::uint32_t* data_flags,
                             nghttp2_data_source* source, void* user) {
        Core& c = core(user);
        auto* s = static_cast<StreamState*>(source->ptr);
        const std::size_t n = std::min(length, s->pending.size());
        if (n > 0) std::memcpy(buf, s->pending.data(), n);
        s->pending.remove_prefix(n);
        if (s->pending.empty()) {
            if (s->eof) {
                *data_flags |= NGHTTP2_DATA_FLAG_EOF;
                if (!s->trailers.empty()) {
                    *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
                    submit_trailers(session, stream_id, s->trailers);
                }
            } else if (n == 0) {
                s->deferred = true;
                return NGHTTP2_ERR_DEFERRED;
            }
            c.listener_.on_stream_update(*s);  // the writer waiting for `pending` may go on
        }
        return static_cast<ssize_t>(n);
    }
};

Core::Core(const Limits& limits, Listener& listener)
    : limits_(limits), listener_(listener), tokens_(limits.control_burst) {
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, Callbacks::on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cb, Callbacks::on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, Callbacks::on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, Callbacks::on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, Callbacks::on_stream_close);
    nghttp2_session_callbacks_set_on_frame_send_callback(cb, Callbacks::on_frame_send);
    nghttp2_session_callbacks_set_error_callback2(cb, Callbacks::on_error);

    nghttp2_option* opt = nullptr;
    nghttp2_option_new(&opt);
    nghttp2_option_set_no_auto_window_update(opt, 1);  // windows open as the app reads
    nghttp2_option_set_max_outbound_ack(opt, 1000);    // SETTINGS/PING ACK floods
    nghttp2_option_set_max_settings(opt, 32);
    nghttp2_option_set_stream_reset_rate_limit(opt, 1000, 33);  // CVE-2023-44487
    // CVE-2024-28182: CONTINUATION frames per header block; enough for a header list of
    // max_header_bytes in 16 KiB frames.
    nghttp2_option_set_max_continuations(
        opt, std::max<std::size_t>(8, limits_.max_header_bytes / 16384 + 2));
    nghttp2_session_server_new2(&session_, cb, this, opt);
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cb);
}

Core::~Core() {
    nghttp2_session_del(session_);
}

StreamState* Core::find(std::int32_t id) {
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second.get();
}

StreamState& Core::create(std::int32_t id) {
    auto& slot = streams_[id];
    slot = std::make_unique<StreamState>();
    slot->id = id;
    slot->head.version_major = 2;
    slot->head.version_minor = 0;
    slot->head.keep_alive = true;
    return *slot;
}

void Core::erase_if_finished(StreamState& s) {
    if (s.closed && s.driver_done) streams_.erase(s.id);
}

bool Core::spend_control_token() {
    const auto t = now();
    if (refilled_ != std::chrono::steady_clock::time_point{}) {
        const double secs = std::chrono::duration<double>(t - refilled_).count();
        tokens_ =
            std::min<double>(limits_.control_burst, tokens_ + secs * limits_.control_per_second);
    }
    refilled_ = t;
    if (tokens_ >= 1) {
        tokens_ -= 1;
        return true;
    }
    fail("too many control frames", ErrorCode::kEnhanceYourCalm);
    return false;
}

void Core::fail(std::string why, ErrorCode code) {
    if (error_.empty()) error_ = std::move(why);
    nghttp2_session_terminate_session(session_, static_cast<std::uint32_t>(code));
}

void Core::finish_head(StreamState& s) {
    RequestHead& h = s.head;
    s.ready = true;
    if (s.refuse_status != 0) return;
    if (h.method == "CONNECT" && h.target.empty()) h.target = h.host;
    if (!valid_target(h.method, h.target) || (!h.host.empty() && !valid_host(h.host))) {
        s.refuse_status = 400;
        return;
    }
    // Go's HTTP/2 server joins the cookie fields a client split (RFC 9113 §8.2.3) into one.
    if (h.fields.count("cookie") > 1) {
        std::string joined;
        for (auto v : h.fields.all("cookie")) {
            if (!joined.empty()) joined += "; ";
            joined += v;
        }
        Fields merged;
        merged.reserve(h.fields.size());
        bool done = false;
        for (const auto& f : h.fields) {
            if (iequals(f.name, "cookie")) {
                if (!done) merged.add(f.name, joined);
                done = true;
            } else {
                merged.add(f.name, f.value);
            }
        }
        h.fields = std::move(merged);
    }
    const std::string* cl = h.fields.find("content-length");
    const auto declared = cl ? parse_length(*cl) : std::nullopt;
    if (s.body_done) {
        h.framing = BodyFraming::kNone;
    } else if (declared) {
        h.framing = BodyFraming::kContentLength;
        h.content_length = *declared;
        if (*declared == 0) h.framing = BodyFraming::kNone;
    } else {
        h.framing = BodyFraming::kChunked;  // length unknown: DATA until END_STREAM
    }
    if (declared && *declared > limits_.max_request_size) s.refuse_status = 413;
}

bool Core::start() {
    const nghttp2_settings_entry iv[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits_.max_concurrent_streams},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, limits_.initial_window},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
         static_cast<std::uint32_t>(std::min<std::size_t>(limits_.max_header_bytes, UINT32_MAX))},
    };
    if (nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, iv, std::size(iv)) != 0) return false;
    if (limits_.connection_window > 65535) {
        nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                              static_cast<std::int32_t>(limits_.connection_window));
    }
    return true;
}

bool Core::start_upgrade(std::string_view settings_payload, RequestHead head) {
    const int head_request = head.method == "HEAD" ? 1 : 0;
    if (nghttp2_session_upgrade2(session_,
                                 reinterpret_cast<const std::uint8_t*>(settings_payload.data()),
                                 settings_payload.size(), head_request, nullptr) != 0) {
        error_ = "bad HTTP2-Settings in the upgrade request";
        return false;
    }
    StreamState& s = create(1);
    s.head = std::move(head);
    s.head.version_major = 2;
    s.head.version_minor = 0;
    s.body_done = true;
    nghttp2_session_set_stream_user_data(session_, 1, &s);
    if (!start()) return false;
    finish_head(s);
    listener_.on_request(s);
    return true;
}

bool Core::feed(std::string_view bytes) {
    const ssize_t rv = nghttp2_session_mem_recv(
        session_, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    if (rv < 0) {
        if (error_.empty()) error_ = nghttp2_strerror(static_cast<int>(rv));
        return false;
    }
    return true;
}

bool Core::produce(std::string& out, std::size_t max) {
    while (out.size() < max) {
        const std::uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(session_, &data);
        if (n < 0) {
            if (error_.empty()) error_ = nghttp2_strerror(static_cast<int>(n));
            return false;
        }
        if (n == 0) break;
        out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    return true;
}

bool Core::want_read() const {
    return nghttp2_session_want_read(session_) != 0;
}

bool Core::want_write() const {
    return nghttp2_session_want_write(session_) != 0;
}

namespace {

NvList nv_list(int status, std::span<const Core::HeaderRef> headers) {
    NvList l;
    std::size_t bytes = 16;
    for (const auto& h : headers) bytes += h.name.size() + h.value.size();
    l.arena.reserve(bytes);
    l.spans.reserve(headers.size() + 1);
    char code[12];
    const char* code_end = std::to_chars(code, code + sizeof code, status).ptr;
    l.add(":status", std::string_view(code, static_cast<std::size_t>(code_end - code)));
    char name[64];
    for (const auto& h : headers) {
        if (!is_token(h.name)) continue;
        std::string lowered;
        std::string_view lower;
        if (h.name.size() <= sizeof name) {
            for (std::size_t i = 0; i < h.name.size(); ++i) name[i] = lower_ascii(h.name[i]);
            lower = std::string_view(name, h.name.size());
        } else {
            lowered.resize(h.name.size());
            for (std::size_t i = 0; i < h.name.size(); ++i) lowered[i] = lower_ascii(h.name[i]);
            lower = lowered;
        }
        if (connection_specific(lower) || lower == "te") continue;
        l.add(lower, h.value);
    }
    l.build();
    return l;
}

}  // namespace

bool Core::submit_interim(StreamState& s, int status, std::span<const HeaderRef> headers) {
    NvList l = nv_list(status, headers);
    return nghttp2_submit_headers(session_, NGHTTP2_FLAG_NONE, s.id, nullptr, l.nva.data(),
                                  l.nva.size(), nullptr) >= 0;
}

bool Core::submit_response(StreamState& s, int status, std::span<const HeaderRef> headers,
                           bool with_body) {
    NvList l = nv_list(status, headers);
    nghttp2_data_provider provider{};
    provider.source.ptr = &s;
    provider.read_callback = Callbacks::read_data;
    s.response_submitted = true;
    return nghttp2_submit_response(session_, s.id, l.nva.data(), l.nva.size(),
                                   with_body ? &provider : nullptr) == 0;
}

void Core::resume(StreamState& s) {
    if (!s.deferred || s.closed) return;
    s.deferred = false;
    nghttp2_session_resume_data(session_, s.id);
}

void Core::consume(StreamState& s, std::size_t n) {
    if (n == 0 || s.closed) return;
    nghttp2_session_consume(session_, s.id, n);
}

void Core::take_body(StreamState& s, std::string& out) {
    out.clear();
    out.swap(s.body);
    consume(s, out.size());
}

void Core::reset(StreamState& s, ErrorCode code) {
    if (s.closed) return;
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s.id, static_cast<std::uint32_t>(code));
}

void Core::release(StreamState& s) {
    // A complete response to a request whose body is still coming: ask the client to stop
    // sending it, without error (RFC 9113 §8.1).
    if (!s.closed && s.response_done && !s.body_done) reset(s, ErrorCode::kNoError);
    s.driver_done = true;
    s.discard_body = true;
    if (!s.body.empty()) {
        consume(s, s.body.size());
        s.body.clear();
    }
    erase_if_finished(s);
}

void Core::shutdown() {
    nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE,
                          nghttp2_session_get_last_proc_stream_id(session_), NGHTTP2_NO_ERROR,
                          nullptr, 0);
}

void Core::terminate(ErrorCode code) {
    nghttp2_session_terminate_session(session_, static_cast<std::uint32_t>(code));
}

}  // namespace rr::http::h2
