#pragma once
// Test helper: a deliberately dumb HTTP/1.1 client over a raw TCP socket to 127.0.0.1, so the
// e2e tests control every byte they send (smuggling attempts, slow heads, aborts) and see
// every byte rr sends back. Every read waits with poll(2) against a deadline; nothing sleeps.
// Not thread-safe: one test thread drives one client.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rr::e2e {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// One parsed response (interim or final).
struct HttpResponse {
    int status = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;  ///< in arrival order
    std::string body;                                          ///< de-chunked
    std::vector<std::pair<std::string, std::string>> trailers;
    bool chunked = false;

    /// The first value of `name` (case-insensitive), or nullopt.
    std::optional<std::string> header(std::string_view name) const {
        for (const auto& [n, v] : headers) {
            if (iequals(n, name)) return v;
        }
        return std::nullopt;
    }
    /// Every value of `name`, in order.
    std::vector<std::string> all(std::string_view name) const {
        std::vector<std::string> out;
        for (const auto& [n, v] : headers) {
            if (iequals(n, name)) out.push_back(v);
        }
        return out;
    }

    static bool iequals(std::string_view a, std::string_view b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            auto lower = [](char c) {
                return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
            };
            if (lower(a[i]) != lower(b[i])) return false;
        }
        return true;
    }
};

class RawClient {
public:
    /// Connects to 127.0.0.1:`port`; throws std::runtime_error if that fails.
    explicit RawClient(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error("socket failed");
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd_);
            throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
        }
    }
    ~RawClient() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    /// Writes all of `data`. False if the peer is gone (EPIPE/ECONNRESET).
    bool send(std::string_view data) {
        while (!data.empty()) {
            const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                return false;
            }
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    /// Closes with SO_LINGER 0: the server sees a reset, as when a browser tab is killed.
    void abort() {
        linger l{1, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        ::close(fd_);
        fd_ = -1;
    }

    void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

    /// The socket, for poll(2) over several clients.
    int fd() const { return fd_; }

    /// Bytes received and not yet consumed by read_response().
    const std::string& buffer() const { return buf_; }
    bool eof() const { return eof_; }

    /// Waits until `text` is in the buffer. False on timeout or EOF without it.
    bool read_until(std::string_view text, milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (buf_.find(text) == std::string::npos) {
            if (!read_more(deadline)) return buf_.find(text) != std::string::npos;
        }
        return true;
    }

    /// True once the server has closed (EOF or reset) within the timeout; data that arrives
    /// first is kept in the buffer.
    bool wait_closed(milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (!eof_) {
            if (!read_more(deadline) && !eof_) return false;
        }
        return true;
    }

    /// Reads one response (a 1xx one too). `head_only` for answers to HEAD. nullopt on
    /// timeout or on a connection that ends before a complete response.
    std::optional<HttpResponse> read_response(milliseconds timeout, bool head_only = false) {
        const auto deadline = Clock::now() + timeout;
        std::size_t head_end;
        while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) {
            if (!read_more(deadline)) return std::nullopt;
        }
        HttpResponse r;
        if (!parse_head(std::string_view(buf_).substr(0, head_end), r)) return std::nullopt;
        std::size_t pos = head_end + 4;
        const bool no_body =
            head_only || (r.status >= 100 && r.status < 200) || r.status == 204 || r.status == 304;
        const auto te = r.header("Transfer-Encoding");
        const auto cl = r.header("Content-Length");
        if (no_body) {
        } else if (te && te->find("chunked") != std::string::npos) {
            r.chunked = true;
            if (!read_chunked(pos, deadline, r)) return std::nullopt;
        } else if (cl) {
            const std::size_t need = std::stoul(*cl);
            while (buf_.size() < pos + need) {
                if (!read_more(deadline)) return std::nullopt;
            }
            r.body = buf_.substr(pos, need);
            pos += need;
        } else {
            while (!eof_) {
                if (!read_more(deadline) && !eof_) return std::nullopt;
            }
            r.body = buf_.substr(pos);
            pos = buf_.size();
        }
        buf_.erase(0, pos);
        return r;
    }

    /// read_response() that skips interim (1xx) responses and returns the final one.
    std::optional<HttpResponse> read_final(milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (true) {
            const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
            auto r = read_response(left.count() > 0 ? left : milliseconds(0));
            if (!r || r->status >= 200) return r;
        }
    }

    /// One poll + read. False on timeout, EOF or error (EOF and reset set eof()).
    bool read_more(Clock::time_point deadline) {
        if (eof_) return false;
        const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready <= 0) return false;
        char chunk[16384];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n > 0) {
            buf_.append(chunk, static_cast<std::size_t>(n));
            return true;
        }
        if (n < 0 && errno == EINTR) return true;
        eof_ = true;  // 0 = orderly close; ECONNRESET = reset: both mean "gone"
        return false;
    }

private:
    static bool parse_head(std::string_view head, HttpResponse& r) {
        std::size_t eol = head.find("\r\n");
        const std::string_view status_line = head.substr(0, eol);
        if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1.") return false;
        r.status = std::stoi(std::string(status_line.substr(9, 3)));
        r.reason = std::string(status_line.size() > 13 ? status_line.substr(13) : "");
        while (eol != std::string_view::npos) {
            const std::size_t start = eol + 2;
            eol = head.find("\r\n", start);
            const std::string_view line = head.substr(start, eol - start);
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) return false;
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
        }
        return true;
    }

    bool read_line(std::size_t& pos, Clock::time_point deadline, std::string& line) {
        std::size_t eol;
        while ((eol = buf_.find("\r\n", pos)) == std::string::npos) {
            if (!read_more(deadline)) return false;
        }
        line = buf_.substr(pos, eol - pos);
        pos = eol + 2;
        return true;
    }

    bool read_chunked(std::size_t& pos, Clock::time_point deadline, HttpResponse& r) {
        std::string line;
        while (true) {
            if (!read_line(pos, deadline, line)) return false;
            const std::size_t size = std::stoul(line, nullptr, 16);
            if (size == 0) break;
            while (buf_.size() < pos + size + 2) {
                if (!read_more(deadline)) return false;
            }
            r.body.append(buf_, pos, size);
            pos += size + 2;
        }
        while (true) {  // trailer section up to the empty line
            if (!read_line(pos, deadline, line)) return false;
            if (line.empty()) return true;
            const std::size_t colon = line.find(':');
            if (colon == std::string::npos) return false;
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            r.trailers.emplace_back(line.substr(0, colon), value);
        }
    }

    int fd_ = -1;
    std::string buf_;
    bool eof_ = false;
};

}  // namespace rr::e2e
