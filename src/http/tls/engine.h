#pragma once
// TlsEngine: one server-side TLS connection without I/O ("sans-IO"). Ciphertext from the peer
// goes in (input_space()/commit_input()), plaintext comes out (read()); plaintext goes in
// (write()), ciphertext to send comes out (take_output()). The byte stream (server/
// tls_stream.h) moves bytes between the engine and the socket; tests and the fuzzer
// (fuzz/tls/) drive the engine directly.
//
// The SSL object reads from and writes to the engine's own buffers through a small custom BIO,
// so no ciphertext is copied into an intermediate BIO and no fixed-size BIO buffer is held per
// idle connection (buffers are released when empty, as SSL_MODE_RELEASE_BUFFERS does for
// OpenSSL's own).
//
// Thread safety: one engine per connection, used from one thread.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "common/page_buffer.h"
#include "http/tls/context.h"
#include "http/tls_facts.h"

struct ssl_st;  // SSL

namespace rr::http::tls {

using SessionFacts = TlsFacts;

class TlsEngine {
public:
    enum class Status {
        kOk,        ///< done (handshake) / data returned (read)
        kWantRead,  ///< more ciphertext from the peer is needed
        kClosed,    ///< the peer sent close_notify
        kError,     ///< fatal: the connection must be closed (see error())
    };

    /// `context` must outlive the engine.
    explicit TlsEngine(const TlsContext& context);
    ~TlsEngine();
    TlsEngine(const TlsEngine&) = delete;
    TlsEngine& operator=(const TlsEngine&) = delete;

    // --- ciphertext in ---
    /// At least `min` bytes of free space to receive ciphertext into; commit what arrived.
    std::span<char> input_space(std::size_t min = 16 * 1024);
    void commit_input(std::size_t n) noexcept { in_end_ += n; }
    /// Copies `bytes` in (tests, fuzzers).
    void feed(std::string_view bytes);

    // --- the handshake ---
    /// Runs the handshake as far as the input allows. kOk once it is complete.
    Status handshake();
    bool handshake_done() const noexcept { return handshake_done_; }
    /// Valid once the handshake is done.
    SessionFacts facts() const;

    // --- plaintext ---
    /// Decrypts into `buf`: kOk with n > 0, kWantRead, kClosed or kError.
    Status read(char* buf, std::size_t cap, std::size_t& n);
    /// Encrypts all of `plain` into the output. False on a fatal error.
    bool write(std::string_view plain);
    /// Queues close_notify (once).
    void shutdown();

    // --- ciphertext out ---
    bool has_output() const noexcept { return !out_.empty(); }
    std::size_t output_size() const noexcept { return out_.size(); }
    /// Moves the pending ciphertext into `into` (which must be empty) and leaves the engine's
    /// output empty: the caller owns those bytes until they are sent.
    void take_output(std::string& into);

    /// An idle connection's memory goes back: the input buffer's pages when it holds no
    /// ciphertext (it stays allocated, so a read may be pending into it: see PageBuffer) and
    /// the output buffer when empty.
    void release_idle_memory() noexcept;

    /// The last fatal error as text (OpenSSL's reason).
    const std::string& error() const noexcept { return error_; }

private:
    friend struct BioAccess;
    int bio_read(char* out, int len) noexcept;
    int bio_write(const char* in, int len) noexcept;
    Status fail(int ssl_error);

    ssl_st* ssl_ = nullptr;
    PageBuffer in_;  // not zero-filled: a small record touches one page
    std::size_t in_begin_ = 0;
    std::size_t in_end_ = 0;
    std::string out_;
    std::string error_;
    bool handshake_done_ = false;
    bool shutdown_sent_ = false;
};

}  // namespace rr::http::tls
