// One RPC client connection (see server.h for the behaviour, server_state.h for ownership).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <exception>

#include "protocol/frame.h"
#include "rpc/server_state.h"

namespace rr::rpc::detail {

// Note: every `co_await` whose result is tested is stored in a local first. g++ 12 (-O0, ASan)
// miscompiled `if (!co_await fill(...))` in read_loop(): the resumed frame trapped (SIGILL).

namespace {

constexpr std::size_t kMinBuffer = 64 * 1024;     ///< read buffer size, also for discarding
constexpr std::size_t kKeepBuffer = 1024 * 1024;  ///< a larger buffer is dropped once empty
constexpr std::size_t kMaxWriteBatch = 64;        ///< replies per gathered write
constexpr std::size_t kMaxDeclaredPayload = 0xFFFFFFFFu;

std::uint32_t load_le32(const char* p) noexcept {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) {
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    }
    return v;
}

}  // namespace

Connection::Connection(std::shared_ptr<ServerState> state, Socket socket)
    : state_(std::move(state)),
      socket_(std::move(socket)),
      rbuf_(kMinBuffer),
      changed_(state_->ex),
      read_deadline_(state_->ex),
      write_deadline_(state_->ex) {}

Connection::~Connection() {
    state_->connection_done(this, /*notify=*/false);
}

void Connection::start() {
    auto self = shared_from_this();
    asio::co_spawn(state_->ex, read_loop(self), asio::detached);
    asio::co_spawn(state_->ex, write_loop(self), asio::detached);
}

void Connection::request_stop() noexcept {
    if (stop_requested_ || closed_) {
        return;
    }
    stop_requested_ = true;
    // Wakes a pending read with EOF (the writer is not affected, unlike cancel()).
    boost::system::error_code ignored;
    socket_.shutdown(asio::socket_base::shutdown_receive, ignored);
    changed_.notify_all();
}

void Connection::close_now() noexcept {
    finish();
}

void Connection::finish() noexcept {
    if (finished_) {
        return;
    }
    finished_ = true;
    closed_ = true;
    reading_done_ = true;
    read_deadline_.disarm();
    write_deadline_.disarm();
    boost::system::error_code ignored;
    socket_.close(ignored);
    out_.clear();
    changed_.notify_all();
    state_->connection_done(this, /*notify=*/true);
}

void Connection::end_reading(const char* why) {
    if (!reading_done_ && why != nullptr) {
        state_->log->debug("rpc: connection stops reading: {}", why);
    }
    reading_done_ = true;
    read_deadline_.disarm();
    changed_.notify_all();
}

Awaitable<bool> Connection::read_some() {
    if (end_ == rbuf_.size() && begin_ > 0) {
        std::memmove(rbuf_.data(), rbuf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == rbuf_.size()) {
        rbuf_.resize(rbuf_.size() * 2);
    }
    boost::system::error_code ec;
    const std::size_t n =
        co_await socket_.async_read_some(asio::buffer(rbuf_.data() + end_, rbuf_.size() - end_),
                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        if (ec != asio::error::eof && ec != asio::error::operation_aborted) {
            state_->log->debug("rpc: read failed: {}", ec.message());
        }
        co_return false;
    }
    end_ += n;
    co_return n > 0;
}

Awaitable<bool> Connection::fill(std::size_t n) {
    while (end_ - begin_ < n) {
        if (begin_ + n > rbuf_.size()) {
            std::memmove(rbuf_.data(), rbuf_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
            if (n > rbuf_.size()) {
                rbuf_.resize(n);
            }
        }
        const bool got = co_await read_some();
        if (!got) {
            co_return false;
        }
    }
    co_return true;
}

Awaitable<bool> Connection::discard(std::uint64_t n) {
    while (n > 0) {
        if (begin_ == end_) {
            begin_ = end_ = 0;
            const bool got = co_await read_some();
            if (!got) {
                co_return false;
            }
        }
        const std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(n, end_ - begin_));
        begin_ += take;
        n -= take;
    }
    co_return true;
}

Awaitable<void> Connection::read_loop(std::shared_ptr<Connection> /*self*/) {
    const ServerOptions& opts = state_->options;
    for (;;) {
        while (pending_ >= opts.max_in_flight && !stop_requested_ && !closed_) {
            co_await changed_.wait_until(TimePoint::max());  // backpressure: a reply must go first
        }
        if (stop_requested_ || closed_) {
            break;
        }
        if (begin_ == end_) {
            begin_ = end_ = 0;
            if (rbuf_.size() > kKeepBuffer) {
                rbuf_ = std::vector<char>(kMinBuffer);
            }
            const bool got = co_await read_some();
            if (!got) {  // idle between frames: no deadline
                end_reading(nullptr);
                co_return;
            }
            if (stop_requested_ || closed_) {
                break;
            }
        }
        // The rest of this frame must arrive within read_timeout.
        read_deadline_.arm(Clock::now() + opts.read_timeout, [this] {
            read_timed_out_ = true;
            boost::system::error_code ignored;
            socket_.shutdown(asio::socket_base::shutdown_receive, ignored);
        });
        const bool have_header = co_await fill(protocol::kHeaderSize);
        if (!have_header) {
            break;
        }
        const auto header = protocol::decode_header(
            {reinterpret_cast<const std::byte*>(rbuf_.data() + begin_), protocol::kHeaderSize},
            kMaxDeclaredPayload);
        if (!header) {
            end_reading(header.error().message().c_str());
            co_return;
        }
        const std::size_t head_size = protocol::kHeaderSize + 4u * header.value().option_count;
        const bool have_options = co_await fill(head_size);
        if (!have_options) {
            break;
        }
        if (header.value().option_count != 2) {
            end_reading(to_string(errc::kRpcBadOptions).data());
            co_return;
        }
        const std::uint32_t payload_size = header.value().payload_size;
        if (payload_size > opts.max_request_size) {
            // Never allocated: the payload is read and dropped, the call gets an error.
            const std::uint32_t seq = load_le32(rbuf_.data() + begin_ + protocol::kHeaderSize);
            begin_ += head_size;
            const bool discarded = co_await discard(payload_size);
            if (!discarded) {
                break;
            }
            read_deadline_.disarm();
            ++pending_;
            reply(encode_error_reply(codec_from_flags(header.value().flags), seq, "",
                                     too_large_error(payload_size, opts.max_request_size)));
            continue;
        }
        const bool have_payload = co_await fill(head_size + payload_size);
        if (!have_payload) {
            break;
        }
        read_deadline_.disarm();
        if (stop_requested_ || closed_) {
            break;  // read completely, but calls no longer start
        }
        dispatch(head_size + payload_size);
    }
    if (read_timed_out_ && !stop_requested_ && !closed_) {
        end_reading("read timeout inside a frame");
    } else if (begin_ != end_ && !stop_requested_ && !closed_) {
        end_reading("connection ended inside a frame");
    } else {
        end_reading(nullptr);
    }
}

void Connection::dispatch(std::size_t frame_size) {
    const std::span<const std::byte> bytes(
        reinterpret_cast<const std::byte*>(rbuf_.data() + begin_), frame_size);
    const auto frame = protocol::decode_frame(bytes, kMaxDeclaredPayload);
    ++pending_;
    if (!frame) {  // cannot happen: the header was checked and every byte is there
        begin_ += frame_size;
        reply(encode_error_reply(Codec::kGob, 0, "", frame.error().message()));
        return;
    }
    const auto message = decode_message(frame.value());
    if (!message) {
        reply(encode_error_reply(
            codec_from_flags(frame.value().header.flags), frame.value().options[0], "",
            bad_method_length_error(frame.value().options[1], frame.value().header.payload_size)));
        begin_ += frame_size;
        return;
    }
    const Message& m = message.value();
    const Codec codec = m.codec();
    auto lookup = state_->methods.find(m.method);
    if (lookup.handler == nullptr) {
        reply(encode_error_reply(codec, m.seq, m.method, lookup.error));
    } else if (!is_supported(codec)) {
        reply(encode_error_reply(codec, m.seq, m.method, unsupported_codec_error(codec)));
    } else {
        Call call{m.seq, codec, std::string(m.method), std::string(m.body)};
        asio::co_spawn(state_->ex, run_call(shared_from_this(), std::move(call), *lookup.handler),
                       asio::detached);
    }
    begin_ += frame_size;
}

Awaitable<void> Connection::run_call(std::shared_ptr<Connection> /*self*/, Call call,
                                     Handler handler) {
    std::string error;
    std::string frame;
    try {
        Reply r = co_await handler(call);
        frame = r.is_error() ? encode_error_reply(call.codec, call.seq, call.method, r.data())
                             : encode_reply(call.codec, call.seq, call.method, r.data());
    } catch (const std::exception& e) {
        error = fmt::format("rpc: {} failed: {}", call.method, e.what());
    } catch (...) {
        error = fmt::format("rpc: {} failed", call.method);
    }
    if (!error.empty()) {
        state_->log->warn("{}", error);
        frame = encode_error_reply(call.codec, call.seq, call.method, error);
    }
    reply(std::move(frame));
}

void Connection::reply(std::string frame) {
    if (closed_) {
        return;
    }
    out_.push_back(std::move(frame));
    changed_.notify_all();
}

Awaitable<void> Connection::write_loop(std::shared_ptr<Connection> /*self*/) {
    std::vector<std::string> batch;
    std::vector<asio::const_buffer> buffers;
    for (;;) {
        while (out_.empty()) {
            if (closed_) {
                co_return;
            }
            if (reading_done_ && pending_ == 0) {
                finish();  // everything read was answered
                co_return;
            }
            co_await changed_.wait_until(TimePoint::max());
        }
        if (closed_) {
            co_return;
        }
        batch.clear();
        buffers.clear();
        while (!out_.empty() && batch.size() < kMaxWriteBatch) {
            batch.push_back(std::move(out_.front()));
            out_.pop_front();
        }
        for (const std::string& s : batch) {
            buffers.emplace_back(s.data(), s.size());
        }
        write_deadline_.arm(Clock::now() + state_->options.write_timeout, [this] {
            state_->log->debug("rpc: write timeout, closing the connection");
            close_now();
        });
        boost::system::error_code ec;
        co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
        write_deadline_.disarm();
        if (closed_) {
            co_return;
        }
        if (ec) {
            state_->log->debug("rpc: write failed: {}", ec.message());
            close_now();
            co_return;
        }
        pending_ -= std::min(pending_, batch.size());
        changed_.notify_all();
    }
}

}  // namespace rr::rpc::detail
