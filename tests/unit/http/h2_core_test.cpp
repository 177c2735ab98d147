// h2::Core without I/O, driven by a real libnghttp2 client session: flow control buffers at
// most one stream window of request body until the application consumes it, and refusals
// (413 on a declared length, 431 on a header list) are decided before any handler.
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "http/h2/core.h"

namespace rr::http::h2 {
namespace {

/// A libnghttp2 client whose bytes go straight into a Core and back.
class Pair : public Core::Listener {
public:
    explicit Pair(const Limits& limits) : core_(limits, *this) {
        nghttp2_session_callbacks* cb = nullptr;
        nghttp2_session_callbacks_new(&cb);
        nghttp2_session_client_new(&client_, cb, this);
        nghttp2_session_callbacks_del(cb);
        nghttp2_submit_settings(client_, NGHTTP2_FLAG_NONE, nullptr, 0);
        EXPECT_TRUE(core_.start());
    }
    ~Pair() { nghttp2_session_del(client_); }

    void on_request(StreamState& s) override { requests_.push_back(&s); }
    void on_stream_update(StreamState& /*s*/) override {}

    /// Moves bytes both ways until neither side has anything to say.
    void pump() {
        for (int round = 0; round < 1000; ++round) {
            bool moved = false;
            const std::uint8_t* data = nullptr;
            for (ssize_t n; (n = nghttp2_session_mem_send(client_, &data)) > 0;) {
                ASSERT_TRUE(
                    core_.feed({reinterpret_cast<const char*>(data), static_cast<std::size_t>(n)}))
                    << core_.error();
                moved = true;
            }
            std::string out;
            ASSERT_TRUE(core_.produce(out, 1 << 20));
            if (!out.empty()) {
                ASSERT_EQ(
                    nghttp2_session_mem_recv(
                        client_, reinterpret_cast<const std::uint8_t*>(out.data()), out.size()),
                    static_cast<ssize_t>(out.size()));
                moved = true;
            }
            if (!moved) return;
        }
        FAIL() << "the two sides never went quiet";
    }

    std::int32_t request(std::vector<nghttp2_nv> extra, nghttp2_data_provider* body) {
        std::vector<nghttp2_nv> nv = {nv_of(":method", body ? "POST" : "GET"),
                                      nv_of(":scheme", "http"), nv_of(":path", "/upload"),
                                      nv_of(":authority", "localhost")};
        nv.insert(nv.end(), extra.begin(), extra.end());
        return nghttp2_submit_request(client_, nullptr, nv.data(), nv.size(), body, this);
    }

    static nghttp2_nv nv_of(const char* name, const char* value) {
        return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name)),
                reinterpret_cast<std::uint8_t*>(const_cast<char*>(value)), std::strlen(name),
                std::strlen(value), NGHTTP2_NV_FLAG_NONE};
    }

    Core core_;
    nghttp2_session* client_ = nullptr;
    std::vector<StreamState*> requests_;
    std::string upload_;
    std::size_t upload_sent_ = 0;
};

/// The client's body: `upload_` in pieces as the window allows.
ssize_t read_upload(nghttp2_session* /*session*/, std::int32_t /*id*/, std::uint8_t* buf,
                    std::size_t length, std::uint32_t* flags, nghttp2_data_source* /*src*/,
                    void* user) {
    auto& p = *static_cast<Pair*>(user);
    const std::size_t n = std::min(length, p.upload_.size() - p.upload_sent_);
    std::memcpy(buf, p.upload_.data() + p.upload_sent_, n);
    p.upload_sent_ += n;
    if (p.upload_sent_ == p.upload_.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
}

TEST(H2Core, ABodyIsBufferedOneWindowAtATimeUntilConsumed) {
    Limits limits;  // 256 KiB per stream, 1 MiB per connection
    Pair p(limits);
    p.upload_.resize(3 * 1024 * 1024);
    for (std::size_t i = 0; i < p.upload_.size(); ++i) p.upload_[i] = static_cast<char>(i * 31);
    nghttp2_data_provider body{};
    body.read_callback = read_upload;
    ASSERT_GT(p.request({}, &body), 0);
    ASSERT_NO_FATAL_FAILURE(p.pump());
    ASSERT_EQ(p.requests_.size(), 1u);
    StreamState& s = *p.requests_[0];
    EXPECT_EQ(s.refuse_status, 0);

    // Nobody reads: the client is stopped by the stream window, nothing more is buffered.
    EXPECT_EQ(s.body.size(), limits.initial_window);
    EXPECT_FALSE(s.body_done);
    ASSERT_NO_FATAL_FAILURE(p.pump());
    EXPECT_EQ(s.body.size(), limits.initial_window);

    // Reading reopens the window; the buffer never holds more than one window.
    std::string got;
    std::size_t max_buffered = 0;
    for (int i = 0; i < 100 && !(s.body_done && s.body.empty()); ++i) {
        max_buffered = std::max(max_buffered, s.body.size());
        std::string piece;
        p.core_.take_body(s, piece);
        got += piece;
        ASSERT_NO_FATAL_FAILURE(p.pump());
    }
    EXPECT_TRUE(s.body_done);
    EXPECT_LE(max_buffered, limits.initial_window);
    EXPECT_EQ(got.size(), p.upload_.size());
    EXPECT_TRUE(got == p.upload_);
}

TEST(H2Core, DeclaredBodyOverTheLimitIs413AndHugeHeadersAre431BeforeAnyHandler) {
    Limits limits;
    limits.max_request_size = 1000;
    limits.max_header_bytes = 4096;
    Pair p(limits);
    p.upload_.assign(5000, 'b');
    nghttp2_data_provider body{};
    body.read_callback = read_upload;
    ASSERT_GT(p.request({Pair::nv_of("content-length", "5000")}, &body), 0);
    const std::string big(5000, 'x');
    ASSERT_GT(p.request({Pair::nv_of("x-big", big.c_str())}, nullptr), 0);
    ASSERT_GT(p.request({}, nullptr), 0);
    ASSERT_NO_FATAL_FAILURE(p.pump());
    ASSERT_EQ(p.requests_.size(), 3u);
    EXPECT_EQ(p.requests_[0]->refuse_status, 413);
    EXPECT_EQ(p.requests_[1]->refuse_status, 431);
    EXPECT_EQ(p.requests_[2]->refuse_status, 0);  // the connection goes on
    EXPECT_EQ(p.requests_[2]->head.target, "/upload");
}

}  // namespace
}  // namespace rr::http::h2
