#include "http/response_writer.h"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <cerrno>
#include <string>

namespace rr::http {

namespace {

boost::system::error_code io_error() {
    return boost::system::errc::make_error_code(boost::system::errc::io_error);
}

}  // namespace

boost::asio::awaitable<ResponseWriter::error_code> ResponseWriter::send_file(int status,
                                                                             const Fields& headers,
                                                                             FileRange file) {
    Fields head;
    head.reserve(headers.size() + 1);
    for (const auto& f : headers) {
        if (!iequals(f.name, "content-length")) head.add(f.name, f.value);
    }
    head.add("Content-Length", std::to_string(file.length));
    if (auto ec = co_await start_stream(status, head, {})) co_return ec;

    std::string buf(static_cast<std::size_t>(std::min<std::uint64_t>(file.length, kSendFileChunk)),
                    '\0');
    std::uint64_t offset = file.offset;
    std::uint64_t left = file.length;
    while (left > 0) {
        if (client_gone()) co_return make_error_code(boost::asio::error::broken_pipe);
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        const ssize_t n = ::pread(file.fd, buf.data(), want, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) co_return io_error();  // read error, or the file shrank under us
        const auto got = static_cast<std::size_t>(n);
        if (auto ec = co_await send_chunk(std::string_view(buf.data(), got))) co_return ec;
        offset += got;
        left -= got;
    }
    co_return co_await finish_stream(Fields{});
}

}  // namespace rr::http
