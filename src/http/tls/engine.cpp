#include "http/tls/engine.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace rr::http::tls {

/// The BIO callbacks reach the engine's private buffers through this friend.
struct BioAccess {
    static int write(BIO* b, const char* in, int len) {
        BIO_clear_retry_flags(b);
        return static_cast<TlsEngine*>(BIO_get_data(b))->bio_write(in, len);
    }
    static int read(BIO* b, char* out, int len) {
        BIO_clear_retry_flags(b);
        const int n = static_cast<TlsEngine*>(BIO_get_data(b))->bio_read(out, len);
        if (n <= 0) {
            BIO_set_retry_read(b);
            return -1;
        }
        return n;
    }
};

namespace {

/// Output above this is released after it was taken (one big response must not pin its
/// ciphertext buffer for the connection's life).
constexpr std::size_t kKeepOutputBytes = 64 * 1024;

long bio_ctrl(BIO* /*b*/, int cmd, long /*num*/, void* /*ptr*/) {
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

int bio_create(BIO* b) {
    BIO_set_init(b, 1);
    return 1;
}

int bio_destroy(BIO* /*b*/) {
    return 1;
}

const BIO_METHOD* engine_bio_method() {
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rr-tls-engine");
        BIO_meth_set_write(m, BioAccess::write);
        BIO_meth_set_read(m, BioAccess::read);
        BIO_meth_set_ctrl(m, bio_ctrl);
        BIO_meth_set_create(m, bio_create);
        BIO_meth_set_destroy(m, bio_destroy);
        return m;
    }();
    return method;
}

std::string name_text(const X509_NAME* name) {
    BIO* mem = BIO_new(BIO_s_mem());
    if (mem == nullptr) return {};
    X509_NAME_print_ex(mem, name, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long len = BIO_get_mem_data(mem, &data);
    std::string out(data != nullptr && len > 0 ? std::string(data, static_cast<std::size_t>(len))
                                               : std::string());
    BIO_free(mem);
    return out;
}

}  // namespace

TlsEngine::TlsEngine(const TlsContext& context) {
    ssl_ = SSL_new(context.native());
    if (ssl_ == nullptr) {
        error_ = "cannot create an SSL object: " + openssl_errors();
        return;
    }
    BIO* bio = BIO_new(engine_bio_method());
    BIO_set_data(bio, this);
    SSL_set_bio(ssl_, bio, bio);  // one BIO for both directions; SSL owns it
    SSL_set_accept_state(ssl_);
}

TlsEngine::~TlsEngine() {
    if (ssl_ == nullptr) return;
    // A connection that simply ends (the client closed, keep-alive timeout) is not a bad
    // session: without this, OpenSSL drops it from the server's session cache and clients
    // resuming by session ID (TLS 1.2 without tickets) would need a full handshake.
    if (handshake_done_ && error_.empty())
        SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(ssl_);
}

std::span<char> TlsEngine::input_space(std::size_t min) {
    if (in_begin_ == in_end_) {
        in_begin_ = in_end_ = 0;
    } else if (in_.size() - in_end_ < min && in_begin_ > 0) {
        std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
        in_end_ -= in_begin_;
        in_begin_ = 0;
    }
    if (in_.size() - in_end_ < min) in_.resize(in_end_ + min);
    return {in_.data() + in_end_, in_.size() - in_end_};
}

void TlsEngine::release_idle_memory() noexcept {
    if (in_begin_ == in_end_) {
        in_begin_ = in_end_ = 0;
        in_.release_pages();
    }
    if (out_.empty()) std::string().swap(out_);
}

void TlsEngine::feed(std::string_view bytes) {
    auto space = input_space(bytes.size());
    std::memcpy(space.data(), bytes.data(), bytes.size());
    commit_input(bytes.size());
}

int TlsEngine::bio_read(char* out, int len) noexcept {
    const std::size_t avail = in_end_ - in_begin_;
    if (avail == 0 || len <= 0) return 0;
    const std::size_t n = std::min(avail, static_cast<std::size_t>(len));
    std::memcpy(out, in_.data() + in_begin_, n);
    in_begin_ += n;
    return static_cast<int>(n);
}

int TlsEngine::bio_write(const char* in, int len) noexcept {
    if (len <= 0) return 0;
    try {
        out_.append(in, static_cast<std::size_t>(len));
    } catch (...) {
        return -1;
    }
    return len;
}

TlsEngine::Status TlsEngine::fail(int ssl_error) {
    std::string detail = openssl_errors();
    if (detail.empty()) {
        detail = ssl_error == SSL_ERROR_SYSCALL ? "unexpected end of the TLS stream"
                                                : "ssl error " + std::to_string(ssl_error);
    }
    error_ = std::move(detail);
    return Status::kError;
}

namespace {

/// Empties this thread's OpenSSL error queue before an SSL_* call, so that SSL_get_error()
/// reads only that call's errors. ERR_clear_error() walks all 16 slots of the queue even when
/// it is empty (~390 instructions, 2.4 calls per h2 request); peeking first costs a fraction.
void clear_error_queue() noexcept {
    if (ERR_peek_error() != 0) ERR_clear_error();
}

}  // namespace

TlsEngine::Status TlsEngine::handshake() {
    if (ssl_ == nullptr) return Status::kError;
    if (handshake_done_) return Status::kOk;
    clear_error_queue();
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) {
        handshake_done_ = true;
        return Status::kOk;
    }
    const int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ) return Status::kWantRead;
    return fail(e);
}

TlsEngine::Status TlsEngine::read(char* buf, std::size_t cap, std::size_t& n) {
    n = 0;
    if (ssl_ == nullptr) return Status::kError;
    clear_error_queue();
    const int r = SSL_read(ssl_, buf, static_cast<int>(std::min<std::size_t>(cap, INT_MAX)));
    if (r > 0) {
        n = static_cast<std::size_t>(r);
        return Status::kOk;
    }
    const int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ) return Status::kWantRead;
    if (e == SSL_ERROR_ZERO_RETURN) return Status::kClosed;
    return fail(e);
}

bool TlsEngine::write(std::string_view plain) {
    if (ssl_ == nullptr || !error_.empty()) return false;
    while (!plain.empty()) {
        clear_error_queue();
        const int chunk = static_cast<int>(std::min<std::size_t>(plain.size(), 1u << 30));
        const int r = SSL_write(ssl_, plain.data(), chunk);
        if (r <= 0) {
            fail(SSL_get_error(ssl_, r));
            return false;
        }
        plain.remove_prefix(static_cast<std::size_t>(r));
    }
    return true;
}

void TlsEngine::shutdown() {
    if (ssl_ == nullptr || shutdown_sent_ || !handshake_done_) return;
    shutdown_sent_ = true;
    clear_error_queue();
    SSL_shutdown(ssl_);
    clear_error_queue();
}

void TlsEngine::take_output(std::string& into) {
    into.swap(out_);
    if (out_.capacity() > kKeepOutputBytes) std::string().swap(out_);
    out_.clear();
}

SessionFacts TlsEngine::facts() const {
    SessionFacts f;
    if (ssl_ == nullptr) return f;
    f.version = SSL_get_version(ssl_);
    if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl_)) f.cipher = SSL_CIPHER_get_name(c);
    if (const char* sni = SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name)) f.server_name = sni;
    const unsigned char* alpn = nullptr;
    unsigned int alpn_len = 0;
    SSL_get0_alpn_selected(ssl_, &alpn, &alpn_len);
    if (alpn != nullptr) f.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
    f.resumed = SSL_session_reused(ssl_) == 1;
    if (X509* peer = SSL_get0_peer_certificate(ssl_)) {
        f.client_subject = name_text(X509_get_subject_name(peer));
        f.client_verified = SSL_get_verify_result(ssl_) == X509_V_OK;
    }
    return f;
}

}  // namespace rr::http::tls
