#include "plugins/http/handler.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <vector>

#include "common/error.h"
#include "common/html.h"
#include "forms/body_class.h"
#include "forms/urlencoded.h"
#include "http/request_context.h"
#include "logging/fields.h"
#include "logging/timestamps.h"

namespace rr::plugins {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

/// Feeds body pieces to the form parser as they arrive (bounded memory for big uploads).
class FormSink final : public http::BodySink {
public:
    explicit FormSink(forms::FormParser& parser) : parser_(parser) {}
    error_code on_body_data(std::string_view piece) override { return parser_.feed(piece); }

private:
    forms::FormParser& parser_;
};

bool is_form_error(const error_code& ec) {
    if (ec.category() != rr::error_category()) return false;
    const auto v = static_cast<errc>(ec.value());
    return v == errc::kFormBadContentType || v == errc::kFormMalformed ||
           v == errc::kFormTruncated || v == errc::kFormTooLarge || v == errc::kFormInvalidTree;
}

/// The codec of a worker frame: its own flag, else the one the request went out in (old
/// libraries and the empty stream acknowledgement carry no codec bit).
protocol::HttpCodec frame_codec(std::uint8_t flags, protocol::HttpCodec request_codec) {
    if ((flags & protocol::flag::kCodecProto) != 0) return protocol::HttpCodec::kProto;
    if ((flags & protocol::flag::kCodecJson) != 0) return protocol::HttpCodec::kJson;
    return request_codec;
}

http::Fields to_fields(const protocol::HttpResponseHead& head) {
    http::Fields fields;
    fields.reserve(head.headers.size());
    for (const auto& h : head.headers) fields.add(std::string(h.name), std::string(h.value));
    return fields;
}

/// Runs the job on `pool`. One whose worker was lost before answering anything (nothing
/// reached the client) runs once more on another worker when `retry` allows it: at most once.
/// `request` is only read for the warning.
asio::awaitable<Result<pool::ResponseStream>> exec_with_retry(
    pool::Pool& pool, const pool::Payload& payload, bool retry, const http::Request& request,
    spdlog::logger& log, std::string& worker_error, error_code& cause) {
    auto stream = co_await pool.exec_stream(payload, &worker_error, &cause);
    if (!stream && stream.error() == errc::kWorkerLost && retry) {
        log.warn("worker lost before answering ({}); {} {} runs once more on another worker",
                 cause ? cause.message() : stream.error().message(), request.method(),
                 request.target());
        worker_error.clear();
        stream = co_await pool.exec_stream(payload, &worker_error, &cause);
    }
    co_return stream;
}

}  // namespace

/// The request codec: the first one the workers advertise that we speak (our PHP library
/// lists the fastest first); JSON without advertisement, which every official PHP library
/// of the 3.x line decodes (roadrunner-http 3.5+ also decodes protobuf, older ones JSON only).
protocol::HttpCodec negotiate_codec(const std::vector<std::string>& advertised) {
    for (const auto& name : advertised) {
        if (name == "json") return protocol::HttpCodec::kJson;
        if (name == "proto") return protocol::HttpCodec::kProto;
    }
    return protocol::HttpCodec::kJson;
}

bool may_retry(RetryPolicy policy, std::string_view method) noexcept {
    switch (policy) {
        case RetryPolicy::kOff:
            return false;
        case RetryPolicy::kAll:
            return true;
        case RetryPolicy::kIdempotent:
            return method == "GET" || method == "HEAD" || method == "OPTIONS" ||
                   method == "TRACE" || method == "PUT" || method == "DELETE";
    }
    return false;
}

PoolHandler::PoolHandler(std::shared_ptr<pool::Pool> pool, Options options,
                         std::shared_ptr<spdlog::logger> log)
    : pool_(std::move(pool)), options_(std::move(options)), log_(std::move(log)) {}

asio::awaitable<void> PoolHandler::handle(http::Request& request, http::ResponseWriter& writer) {
    // The connection's scratch buffers (reused between keep-alive requests), else our own.
    std::optional<http::RequestScratch> own_scratch;
    http::RequestScratch* scratch = request.scratch();
    if (scratch == nullptr) scratch = &own_scratch.emplace();
    http::MappedRequest& mapped = scratch->mapped;
    request.map(mapped);

    // 1. The body.
    const std::string* content_type = request.headers().find("Content-Type");
    auto body_class = forms::classify_body(
        request.method(), content_type ? *content_type : std::string_view(), options_.raw_body);
    if (!body_class) {
        std::string text = "bad request: " + body_class.error().message() + "\n";
        co_await plain(writer, 400, std::move(text));
        co_return;
    }
    std::string raw_body;
    std::optional<forms::ParsedForm> form;
    std::string_view body;
    bool parsed = false;
    const forms::BodyKind kind = body_class.value().kind;
    if (forms::is_form(kind)) {
        parsed = true;
        // Go's ParseForm also parses the URL query and RoadRunner fails the request when that
        // fails (`;` separator, bad escape), although PHP later gets the query raw.
        if (const error_code ec = forms::check_query_string(mapped.raw_query)) {
            std::string text = "bad request: invalid query string: " + ec.message() + "\n";
            co_await plain(writer, 400, std::move(text));
            co_return;
        }
        forms::FormParser parser(body_class.value(), options_.forms);
        const bool read = kind == forms::BodyKind::kMultipart || body_class.value().form_in_body;
        if (read && request.has_body()) {
            FormSink sink(parser);
            const error_code ec = co_await request.read_body(sink);
            if (ec && !is_form_error(ec)) co_return;  // the connection answers 400/408/413
        }
        auto finished = parser.finish();
        if (!finished) {
            // Built before the co_await: g++ 12 destroys the temporaries of a conditional
            // expression inside a co_await operand twice (double free seen under ASan).
            const std::string& detail = parser.error_detail();
            std::string text = "bad request: ";
            text += detail.empty() ? finished.error().message() : detail;
            text += '\n';
            co_await plain(writer, 400, std::move(text));
            co_return;
        }
        form.emplace(std::move(finished).value());
        body = form->data_json;
    } else if (kind == forms::BodyKind::kRaw && request.has_body()) {
        if (co_await request.read_body(raw_body)) co_return;  // the connection answers
        body = raw_body;
    }

    // 2. The request context.
    scratch->view.assign(mapped);
    protocol::HttpRequestContext& ctx = scratch->view.context();
    ctx.parsed = parsed;
    if (form) ctx.uploads_json = form->uploads_json;

    std::string& context = scratch->context;
    context.clear();
    protocol::encode_request(options_.codec, ctx, context);

    // 3. The worker. One lost before answering anything (nothing reached the client) runs the
    // job again on another worker when the policy allows it: at most once.
    const pool::Payload payload{context, body, protocol::codec_flag(options_.codec)};
    if (options_.shards != nullptr && pool_->idle_hint() == 0) {
        if (const PoolShard* other = options_.shards->pick_other(options_.shard_index)) {
            co_await run_elsewhere(*other, request, payload, writer, scratch->response);
            co_return;  // `form` (and its temp files) lived until the answer was relayed
        }
    }
    std::string worker_error;
    error_code cause;
    auto stream =
        co_await exec_with_retry(*pool_, payload, may_retry(options_.retry, request.method()),
                                 request, *log_, worker_error, cause);
    if (!stream) {
        co_await fail(writer, stream.error(), worker_error);
        co_return;
    }
    co_await relay(stream.value(), writer, scratch->response);
    // `form` (and its temp files) lives until here: the worker has answered.
}

asio::awaitable<void> PoolHandler::run_elsewhere(const PoolShard& shard, http::Request& request,
                                                 const pool::Payload& payload,
                                                 http::ResponseWriter& writer,
                                                 protocol::HttpResponseHead& head) {
    auto job = std::make_shared<RemoteJob>();
    const bool retry = may_retry(options_.retry, request.method());
    // The payload's views and the request stay valid and untouched here: this coroutine waits
    // for the job to start there.
    auto hop = [job, pool = shard.pool, &payload, &request, retry,
                log = log_]() -> asio::awaitable<void> {
        auto s = co_await exec_with_retry(*pool, payload, retry, request, *log, job->worker_error,
                                          job->cause);
        if (s) job->finished = s.value().finished();
        job->stream.emplace(std::move(s));
    };
    co_await asio::co_spawn(shard.ex, std::move(hop), asio::use_awaitable);
    if (!*job->stream) {
        const error_code ec = job->stream->error();
        const std::string worker_error = job->worker_error;
        co_await fail(writer, ec, worker_error);
        co_return;
    }
    RemoteStream stream(shard.ex, std::move(job));
    co_await relay(stream, writer, head);
}

template <class Stream>
asio::awaitable<void> PoolHandler::relay(Stream& stream, http::ResponseWriter& writer,
                                         protocol::HttpResponseHead& head) {
    bool streaming = false;  // a final head with STREAM went out; frames are chunks now
    while (!stream.finished()) {
        auto frame = co_await stream.next();
        if (!frame) {
            if (!writer.head_sent()) {
                co_await fail(writer, frame.error(), stream.worker_error());
            } else {
                log_->error("worker stream failed after the response head: {}",
                            frame.error().message());
            }
            co_return;  // an unfinished stream makes the connection close
        }
        const pool::Response& f = frame.value();
        const auto decoded =
            protocol::decode_response(frame_codec(f.flags, options_.codec), f.context(), head);
        if (!decoded) {
            log_->error("invalid response context from worker: {}", decoded.error().message());
            co_await stream.stop();
            if (!writer.head_sent()) co_await fail(writer, decoded.error(), {});
            co_return;
        }
        error_code ec;
        if (streaming) {
            if (head.present) writer.update_trailers(to_fields(head));
            if (!f.body().empty()) ec = co_await writer.send_chunk(f.body());
            if (!ec && !f.more()) ec = co_await writer.finish_stream(to_fields(head));
        } else {
            const std::int64_t status = head.present ? head.status : 200;
            if (status >= 100 && status < 200) {
                if (status == 101) {
                    log_->error("worker sent 101 Switching Protocols; frame ignored");
                } else {
                    ec = co_await writer.send_interim(static_cast<int>(status), to_fields(head));
                }
                if (!ec && !f.more()) {
                    // The worker ended its answer with an interim response: no final one.
                    log_->error("worker answer ended with interim status {}", status);
                    co_await fail(writer, errc::kHttpBadWorkerResponse, {});
                    co_return;
                }
            } else if (status < 200 || status > 599) {
                log_->error("unknown status code from worker: {}", status);
                co_await stream.stop();
                std::string text = fmt::format("unknown status code from worker: {}\n", status);
                co_await plain(writer, 500, std::move(text));
                co_return;
            } else if (!f.more()) {
                // The head's views point into this frame, which lives until the next next().
                ec =
                    co_await writer.send_response(static_cast<int>(status), head.headers, f.body());
            } else {
                ec = co_await writer.start_stream(static_cast<int>(status), to_fields(head),
                                                  f.body());
                streaming = true;
            }
        }
        if (ec) {
            if (writer.client_gone()) {
                log_->debug("client went away mid-response: {}", ec.message());
            } else {
                log_->error("response write failed: {}", ec.message());
            }
            co_await stream.stop();
            co_return;
        }
    }
}

asio::awaitable<void> PoolHandler::fail(http::ResponseWriter& writer, error_code ec,
                                        std::string_view worker_error) {
    if (ec == errc::kWorkerSoftError) {
        logging::warn(*log_, "worker error", {{"error", worker_error}});
    } else {
        logging::error(*log_, "request failed", {{"error", ec.message()}});
    }
    if (writer.head_sent()) co_return;
    http::Fields headers;
    if (ec == errc::kNoFreeWorkers) headers.add("No-Workers", "true");
    std::string body;
    if (options_.debug) {
        // HTML-escaped as upstream (Go's html.EscapeString): the text may echo request data.
        body = html_escape(worker_error.empty() ? ec.message() : std::string(worker_error));
        body += '\n';
        headers.add("Content-Type", "text/plain; charset=utf-8");
    }
    co_await writer.send_response(options_.internal_error_code, headers, body);
}

asio::awaitable<void> PoolHandler::plain(http::ResponseWriter& writer, int status,
                                         std::string body) {
    http::Fields headers{{"Content-Type", "text/plain; charset=utf-8"}};
    co_await writer.send_response(status, headers, body);
}

void PoolHandler::on_complete(const http::Request& request, const http::Completion& done) noexcept {
    const auto level = spdlog::level::info;
    if (!log_->should_log(level)) return;
    try {
        // Upstream's fields, in its order (roadrunner-server/http middleware/log.go):
        // remote_address is Go's RemoteAddr (ip:port), elapsed whole milliseconds, start the
        // request's wall-clock start. URI and URL are both the request target here.
        const std::int64_t elapsed_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(done.elapsed).count();
        const std::string remote = request.remote_address();
        const std::string start = logging::utc_millis(done.start);
        const std::string_view target = request.target();
        // rr: the protocol that carried the request ("HTTP/1.1", "HTTP/2.0"), after upstream's
        // keys, so HTTP/1.1, TLS and HTTP/2 requests can be told apart.
        const std::string protocol = request.protocol();
        if (options_.access_logs) {
            const std::string* ua = request.headers().find("User-Agent");
            const std::string* referer = request.headers().find("Referer");
            const auto q = target.find('?');
            const std::string_view query =
                q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
            // Go: -1 when the length is unknown (chunked), 0 without a body.
            const std::int64_t content_len =
                request.content_length() ? static_cast<std::int64_t>(*request.content_length())
                : request.has_body()     ? -1
                                         : 0;
            const std::string time_local = logging::local_access_time(done.start);
            logging::log(*log_, level, "http access log",
                         {{"read_bytes", done.body_bytes_read},
                          {"write_bytes", done.bytes_written},
                          {"status", done.status},
                          {"method", request.method()},
                          {"URI", target},
                          {"URL", target},
                          {"remote_address", remote},
                          {"query", query},
                          {"content_len", content_len},
                          {"host", request.host()},
                          {"user_agent", ua ? std::string_view(*ua) : std::string_view()},
                          {"referer", referer ? std::string_view(*referer) : std::string_view()},
                          {"time_local", time_local},
                          {"request_time", start},
                          {"start", start},
                          {"elapsed", elapsed_ms},
                          {"protocol", protocol}});
        } else {
            logging::log(*log_, level, "http log",
                         {{"status", done.status},
                          {"method", request.method()},
                          {"URI", target},
                          {"URL", target},
                          {"remote_address", remote},
                          {"read_bytes", done.body_bytes_read},
                          {"write_bytes", done.bytes_written},
                          {"start", start},
                          {"elapsed", elapsed_ms},
                          {"protocol", protocol}});
        }
    } catch (...) {
        // Logging must never take a connection down.
    }
}

}  // namespace rr::plugins
