#include "http/server/tls_stream.h"

#include <algorithm>
#include <string>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace rr::http::server {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

/// The largest TLS record's plaintext (RFC 8446 §5.1): pieces up to this size are gathered.
constexpr std::size_t kRecordPlaintext = 16 * 1024;
/// Plaintext encrypted ahead of the socket per write call: bounds the ciphertext buffered per
/// connection (a large body is encrypted and sent piece by piece).
constexpr std::size_t kEncryptBudget = 64 * 1024;

error_code tls_error() {
    return make_error_code(boost::system::errc::protocol_error);
}

}  // namespace

TlsStream::TlsStream(Socket socket, const tls::TlsContext& context)
    : socket_(std::move(socket)), engine_(std::make_unique<tls::TlsEngine>(context)) {}

TlsStream::TlsStream(TlsStream&&) noexcept = default;
TlsStream& TlsStream::operator=(TlsStream&&) noexcept = default;
TlsStream::~TlsStream() = default;

bool TlsStream::flush_now(error_code& ec) {
    for (;;) {
        if (sent_ == sending_.size()) {
            sending_.clear();
            sent_ = 0;
            if (!engine_->has_output()) return true;
            engine_->take_output(sending_);
        }
        std::size_t n =
            socket_.write_some(asio::buffer(sending_.data() + sent_, sending_.size() - sent_), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            ec = {};
            return false;
        }
        if (ec) return false;
        sent_ += n;
    }
}

asio::awaitable<void> TlsStream::flush(error_code& ec) {
    write_in_flight_ = true;
    for (;;) {
        if (sent_ == sending_.size()) {
            sending_.clear();
            sent_ = 0;
            if (!engine_->has_output()) break;
            engine_->take_output(sending_);
        }
        const std::size_t n = co_await asio::async_write(
            socket_, asio::buffer(sending_.data() + sent_, sending_.size() - sent_),
            asio::redirect_error(asio::use_awaitable, ec));
        sent_ += n;
        if (ec) break;
    }
    write_in_flight_ = false;
}

asio::awaitable<error_code> TlsStream::flush_pending() {
    error_code ec;
    if (write_in_flight_ || !write_pending()) co_return ec;
    if (flush_now(ec) || ec) co_return ec;
    co_await flush(ec);
    co_return ec;
}

asio::awaitable<error_code> TlsStream::handshake() {
    error_code ec;
    for (;;) {
        const auto st = engine_->handshake();
        if (engine_->has_output()) {
            co_await flush(ec);
            if (ec) co_return ec;
        }
        if (st == tls::TlsEngine::Status::kOk) co_return error_code{};
        if (st != tls::TlsEngine::Status::kWantRead) co_return tls_error();
        auto space = engine_->input_space();
        const std::size_t n =
            co_await socket_.async_read_some(asio::buffer(space.data(), space.size()),
                                             asio::redirect_error(asio::use_awaitable, ec));
        engine_->commit_input(n);
        if (ec) co_return ec;
    }
}

asio::awaitable<std::size_t> TlsStream::read_some(asio::mutable_buffer buffer, error_code& ec) {
    ec = {};
    for (;;) {
        std::size_t n = 0;
        const auto st = engine_->read(static_cast<char*>(buffer.data()), buffer.size(), n);
        if (st == tls::TlsEngine::Status::kOk) co_return n;
        if (st == tls::TlsEngine::Status::kClosed) {
            ec = asio::error::eof;
            co_return 0;
        }
        if (st == tls::TlsEngine::Status::kError) {
            ec = tls_error();
            co_return 0;
        }
        // Answers the read produced (a TLS 1.3 key update) go out before we wait for more.
        if (engine_->has_output() && !write_in_flight_) {
            if (!flush_now(ec) && !ec) co_await flush(ec);
            if (ec) co_return 0;
        }
        auto space = engine_->input_space();
        const std::size_t got =
            co_await socket_.async_read_some(asio::buffer(space.data(), space.size()),
                                             asio::redirect_error(asio::use_awaitable, ec));
        engine_->commit_input(got);
        if (ec) co_return 0;
    }
}

std::size_t TlsStream::encrypt(const WriteBuffers& bufs, std::size_t skip, std::size_t budget,
                               error_code& ec) {
    // The bytes of `bufs` after the first `skip`, piece by piece.
    std::string_view pieces[std::tuple_size_v<WriteBuffers>];
    std::size_t count = 0;
    std::size_t total = 0;
    for (const auto& b : bufs) {
        if (skip >= b.size()) {
            skip -= b.size();
            continue;
        }
        pieces[count++] = std::string_view(static_cast<const char*>(b.data()) + skip,
                                           b.size() - skip);
        total += b.size() - skip;
        skip = 0;
    }
    // Pieces that fit one TLS record together (an HTTP/1 head and a small body) are encrypted
    // as one: every SSL_write is a record of its own, and OpenSSL 3 spends ~8,000 instructions
    // on a record besides its bytes (cipher parameter lookups, BIO calls). A copy of up to
    // 16 KiB into this thread's scratch is cheaper (callgrind, TLS h1 PSR-7 hello: 45,048 →
    // 36,957 instructions per request). The engine encrypts at once, so the scratch is free
    // again on return.
    if (count > 1 && total <= std::min(budget, kRecordPlaintext)) {
        thread_local std::string gather;
        gather.clear();
        for (std::size_t k = 0; k < count; ++k) gather += pieces[k];
        if (!engine_->write(gather)) {
            ec = tls_error();
            return 0;
        }
        return total;
    }
    std::size_t done = 0;
    for (std::size_t k = 0; k < count && done < budget; ++k) {
        const std::string_view take = pieces[k].substr(0, budget - done);
        if (!engine_->write(take)) {
            ec = tls_error();
            return done;
        }
        done += take.size();
    }
    return done;
}

bool TlsStream::write_pending() const noexcept {
    return sent_ != sending_.size() || engine_->has_output();
}

std::size_t TlsStream::write_now(const WriteBuffers& bufs, error_code& ec) {
    ec = {};
    const std::size_t pending = engine_->output_size() + (sending_.size() - sent_);
    const std::size_t budget = pending >= kEncryptBudget ? 0 : kEncryptBudget - pending;
    const std::size_t n = encrypt(bufs, 0, budget, ec);
    if (ec) return n;
    if (!write_in_flight_) flush_now(ec);
    return n;
}

asio::awaitable<std::size_t> TlsStream::write_all(const WriteBuffers& bufs, error_code& ec) {
    ec = {};
    std::size_t total = 0;
    for (const auto& b : bufs) total += b.size();
    std::size_t done = 0;
    for (;;) {
        co_await flush(ec);
        if (ec || done == total) co_return done;
        done += encrypt(bufs, done, kEncryptBudget, ec);
        if (ec) co_return done;
    }
}

void TlsStream::shutdown_send(error_code& ec) {
    engine_->shutdown();
    if (!write_in_flight_) {
        error_code ignored;
        flush_now(ignored);
    }
    socket_.shutdown(Socket::shutdown_send, ec);
}

void TlsStream::cancel() noexcept {
    error_code ec;
    socket_.cancel(ec);
}

void TlsStream::close() noexcept {
    error_code ec;
    socket_.close(ec);
}

}  // namespace rr::http::server
