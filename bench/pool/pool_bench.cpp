// Pool round-trip benchmark (docs/pool.md "Performance"; ../shared/bench/PROTOCOL.md "Limits").
//
// Measures, in one run on the same machine:
//   1. raw pipes, C child:      parent ↔ forked C echo of goridge frames — the pipe floor
//   2. raw pipes, PHP raw echo:  parent ↔ php raw_echo.php (fread/fwrite, no library)
//   3. pool, raw_echo.php:      rr::pool::Pool::exec() against the same PHP program
//   4. pool, echo.php:          the real PHP library (Spiral\RoadRunner\Worker)
// each with 1 and 2 workers and one request in flight per worker, driven by ONE thread (as the
// server's I/O thread). Prints round trips/s and µs per round trip; the pool/raw ratio for the
// same PHP program is the pool's own efficiency.
//
// Usage: rr_pool_bench [seconds-per-measurement=2] [php=php]

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "pool/pool.h"

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

const std::string kContext = R"({"k":"v"})";
const std::string kBody = "hello";

struct Result {
    double per_second = 0;
    double us_per_trip = 0;
};

std::string request_frame() {
    const std::uint32_t opt = static_cast<std::uint32_t>(kContext.size());
    return rr::protocol::encode_frame(rr::protocol::flag::kCodecJson, 0, {&opt, 1},
                                      kContext + kBody);
}

bool read_exact(int fd, char* buf, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
        ssize_t r = ::read(fd, buf + got, n - got);
        if (r <= 0) {
            return false;
        }
        got += static_cast<std::size_t>(r);
    }
    return true;
}

/// Reads one goridge frame (blocking) into `buf`; returns its size or 0 on EOF.
std::size_t read_frame(int fd, std::vector<char>& buf) {
    buf.resize(12);
    if (!read_exact(fd, buf.data(), 12)) {
        return 0;
    }
    std::uint32_t len = 0;
    std::memcpy(&len, buf.data() + 2, 4);
    const std::size_t rest = len + 4u * ((static_cast<unsigned char>(buf[0]) & 0x0f) - 3);
    buf.resize(12 + rest);
    if (!read_exact(fd, buf.data() + 12, rest)) {
        return 0;
    }
    return buf.size();
}

struct Child {
    pid_t pid = -1;
    int to = -1;    // our write end
    int from = -1;  // our read end
};

/// Starts `argv` (or, when empty, a forked C echo loop) with stdin/stdout pipes.
Child start_child(const std::vector<std::string>& argv) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
        std::perror("pipe");
        std::exit(1);
    }
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        if (argv.empty()) {
            std::vector<char> buf;
            while (std::size_t n = read_frame(0, buf)) {
                if (::write(1, buf.data(), n) != static_cast<ssize_t>(n)) {
                    break;
                }
            }
            ::_exit(0);
        }
        std::vector<char*> args;
        for (const auto& a : argv) {
            args.push_back(const_cast<char*>(a.c_str()));
        }
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    return {pid, in[1], out[0]};
}

void stop_child(Child& c) {
    ::close(c.to);
    ::close(c.from);
    ::kill(c.pid, SIGKILL);
    ::waitpid(c.pid, nullptr, 0);
}

/// Raw ping-pong: one frame in flight per child, one thread polling all children.
Result raw_pipes(std::size_t workers, const std::vector<std::string>& argv, double seconds) {
    std::vector<Child> children;
    std::vector<char> buf;
    const std::string frame = request_frame();
    for (std::size_t i = 0; i < workers; ++i) {
        children.push_back(start_child(argv));
        if (!argv.empty()) {
            // PID handshake so that the PHP raw echo is in its steady loop.
            auto hello = rr::protocol::encode_frame(
                rr::protocol::flag::kControl | rr::protocol::flag::kCodecJson, 0, {},
                R"({"pid":1})");
            if (::write(children.back().to, hello.data(), hello.size()) < 0 ||
                !read_frame(children.back().from, buf)) {
                std::fprintf(stderr, "raw child did not answer\n");
                std::exit(1);
            }
        }
    }
    std::vector<pollfd> fds;
    for (auto& c : children) {
        fds.push_back({c.from, POLLIN, 0});
    }
    // Warm-up, then measure.
    std::uint64_t trips = 0;
    auto run_for = [&](double secs, bool count) {
        for (auto& c : children) {
            [[maybe_unused]] auto n = ::write(c.to, frame.data(), frame.size());
        }
        std::size_t outstanding = children.size();
        const auto end = Clock::now() + std::chrono::duration<double>(secs);
        bool stopping = false;
        while (outstanding > 0) {
            ::poll(fds.data(), fds.size(), -1);
            for (std::size_t i = 0; i < fds.size(); ++i) {
                if (!(fds[i].revents & POLLIN)) {
                    continue;
                }
                read_frame(children[i].from, buf);
                if (count) {
                    ++trips;
                }
                if (!stopping && (trips & 63) == 0 && Clock::now() >= end) {
                    stopping = true;
                }
                if (!stopping) {
                    [[maybe_unused]] auto n = ::write(children[i].to, frame.data(), frame.size());
                } else {
                    --outstanding;
                }
            }
        }
    };
    run_for(0.2, false);
    trips = 0;
    const auto start = Clock::now();
    run_for(seconds, true);
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    for (auto& c : children) {
        stop_child(c);
    }
    return {trips / elapsed, elapsed * 1e6 / static_cast<double>(trips)};
}

Result pool_trips(std::size_t workers, const std::vector<std::string>& argv, double seconds) {
    asio::io_context io(1);  // one thread: lets Asio skip cross-thread wake-ups
    rr::pool::PoolOptions o;
    o.spawn.argv = argv;
    o.num_workers = workers;
    o.allocate_timeout = std::chrono::seconds(30);
    std::shared_ptr<rr::pool::Pool> pool;
    // Worker exit watchers keep the io_context busy forever: run until a flag, not to idle.
    auto run_until = [&io](const bool& flag) {
        while (!flag) {
            io.run_one();
        }
    };
    bool created = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            auto p = co_await rr::pool::Pool::create(io.get_executor(), o);
            if (!p) {
                std::fprintf(stderr, "pool: %s\n", p.error().message().c_str());
                std::exit(1);
            }
            pool = p.value();
            created = true;
        },
        asio::detached);
    run_until(created);

    std::uint64_t trips = 0;
    std::uint64_t errors = 0;
    auto measure = [&](double secs) {
        trips = 0;
        std::size_t running = workers;
        bool all_done = false;
        const auto end = Clock::now() + std::chrono::duration<double>(secs);
        for (std::size_t i = 0; i < workers; ++i) {
            asio::co_spawn(
                io,
                [&]() -> asio::awaitable<void> {
                    const rr::pool::Payload payload{kContext, kBody,
                                                    rr::protocol::flag::kCodecJson};
                    for (;;) {
                        auto r = co_await pool->exec(payload);
                        if (!r) {
                            ++errors;
                        }
                        ++trips;
                        if ((trips & 63) == 0 && Clock::now() >= end) {
                            break;
                        }
                    }
                    if (--running == 0) {
                        all_done = true;
                    }
                },
                asio::detached);
        }
        const auto start = Clock::now();
        run_until(all_done);
        return std::chrono::duration<double>(Clock::now() - start).count();
    };
    measure(0.2);
    const double elapsed = measure(seconds);
    const std::uint64_t counted = trips;
    bool destroyed = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            co_await pool->destroy();
            destroyed = true;
        },
        asio::detached);
    run_until(destroyed);
    if (errors > 0) {
        std::fprintf(stderr, "pool: %llu failed jobs\n", static_cast<unsigned long long>(errors));
    }
    return {counted / elapsed, elapsed * 1e6 / static_cast<double>(counted)};
}

}  // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
    const std::string php = argc > 2 ? argv[2] : "php";
    const std::string fixtures = std::string(RR_SOURCE_DIR) + "/tests/fixtures/php/";
    const std::vector<std::string> raw_php = {php, fixtures + "raw_echo.php"};
    const std::vector<std::string> lib_php = {php, fixtures + "echo.php"};
    rr::process::ignore_sigpipe();
    spdlog::set_level(spdlog::level::warn);

    std::printf("%-34s %8s %14s %12s\n", "measurement", "workers", "round trips/s", "us/trip");
    auto row = [](const char* name, std::size_t w, Result r) {
        std::printf("%-34s %8zu %14.0f %12.2f\n", name, w, r.per_second, r.us_per_trip);
        std::fflush(stdout);
        return r;
    };
    for (std::size_t w : {1u, 2u}) {
        const Result c_raw = row("raw pipes, C echo child", w, raw_pipes(w, {}, seconds));
        const Result php_raw =
            row("raw pipes, php raw_echo.php", w, raw_pipes(w, raw_php, seconds));
        const Result pool_raw = row("pool, php raw_echo.php", w, pool_trips(w, raw_php, seconds));
        const Result pool_lib =
            row("pool, php echo.php (library)", w, pool_trips(w, lib_php, seconds));
        std::printf(
            "  workers=%zu: pool/raw (same PHP program) = %.0f%%, pool/C-pipe floor = %.0f%%,"
            " library echo/raw echo = %.0f%%\n",
            w, 100.0 * pool_raw.per_second / php_raw.per_second,
            100.0 * pool_raw.per_second / c_raw.per_second,
            100.0 * pool_lib.per_second / pool_raw.per_second);
    }
    return 0;
}
