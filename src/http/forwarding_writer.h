#pragma once
// ForwardingWriter: a ResponseWriter that passes every call on to another one, so a
// middleware's decorator overrides only what it changes (h2o's filter idea; STYLE.md §12.2).
// send_file is forwarded as send_file, so a decorator that does not touch bodies keeps the
// transport's zero-copy path.
//
// Lifetime: lives on the decorating middleware's coroutine frame; `next` must outlive it.
// Executor: the connection's I/O thread, like the writer it wraps.

#include "http/response_writer.h"

namespace rr::http {

class ForwardingWriter : public ResponseWriter {
public:
    explicit ForwardingWriter(ResponseWriter& next) noexcept : next_(&next) {}

    boost::asio::awaitable<error_code> send_interim(int status, const Fields& headers) override {
        return next_->send_interim(status, headers);
    }
    boost::asio::awaitable<error_code> send_response(int status, const Fields& headers,
                                                     std::string_view body) override {
        return next_->send_response(status, headers, body);
    }
    boost::asio::awaitable<error_code> send_response(int status,
                                                     std::span<const protocol::HttpField> headers,
                                                     std::string_view body) override {
        return next_->send_response(status, headers, body);
    }
    boost::asio::awaitable<error_code> start_stream(int status, const Fields& headers,
                                                    std::string_view first_chunk) override {
        return next_->start_stream(status, headers, first_chunk);
    }
    boost::asio::awaitable<error_code> send_chunk(std::string_view data) override {
        return next_->send_chunk(data);
    }
    boost::asio::awaitable<error_code> finish_stream(const Fields& headers) override {
        return next_->finish_stream(headers);
    }
    void update_trailers(const Fields& headers) override { next_->update_trailers(headers); }
    boost::asio::awaitable<error_code> send_file(int status, const Fields& headers,
                                                 FileRange file) override {
        return next_->send_file(status, headers, file);
    }
    bool head_sent() const noexcept override { return next_->head_sent(); }
    bool response_complete() const noexcept override { return next_->response_complete(); }
    bool client_gone() const noexcept override { return next_->client_gone(); }

protected:
    ~ForwardingWriter() = default;
    ResponseWriter& next() const noexcept { return *next_; }

private:
    ResponseWriter* next_;  // not owned; outlives this writer
};

}  // namespace rr::http
