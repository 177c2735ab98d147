#pragma once
// BatchingSink: an output (stderr, stdout, a file) that, while the server's event loop runs,
// keeps the lines logged during one turn of the loop and writes them with one call when the
// loop has run the handlers that were ready. Under load an access log line per request then
// costs a share of one write(2) per turn instead of a write(2) per line (the production
// profile spent ~14 % of rr's CPU in those writes: bench/RESULTS.md).
//
// Without a schedule (start-up, shutdown, tools and tests that log without a loop) every line
// is written through at once, as before. Lines are never reordered: one output, one buffer.
// Bounds: a turn that logs more than kMaxHeld bytes writes them at once; drain() (called by
// Logging::flush before exit) writes whatever is held.
//
// Threads with loops of their own (`http.io_threads`) declare them with a ThreadLoop: a line
// they log is then written at the end of a turn of THEIR loop, never by a post to the main
// loop (a cross-thread wake-up per turn, what batching is meant to save). Other threads (RPC,
// metrics) use the main loop's schedule.
//
// Thread safety: every member may be called from any thread.

#include <spdlog/sinks/sink.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace rr::logging {

class BatchingSink final : public spdlog::sinks::sink,
                           public std::enable_shared_from_this<BatchingSink> {
public:
    /// Runs a callable later, after the handlers that are ready now (asio::post on the loop).
    using Schedule = std::function<void(std::function<void()>)>;
    static constexpr std::size_t kMaxHeld = 64 * 1024;

    explicit BatchingSink(std::shared_ptr<spdlog::sinks::sink> out) : out_(std::move(out)) {}

    void log(const spdlog::details::log_msg& msg) override;
    /// The logger calls this after every line: a no-op while batching (the scheduled write
    /// follows), else the output's flush.
    void flush() override;
    void set_pattern(const std::string&) override {}
    void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

    /// Starts batching with `schedule`, or (empty) stops it after writing what is held.
    void set_schedule(Schedule schedule);

    /// While alive, the lines its thread logs into any batching sink are written after the
    /// current turn of that thread's own loop, by `schedule` (asio::post on it). Create it on
    /// the loop's thread before run() and destroy it there after run() returned: it writes
    /// what the last turn left (a post a stopped loop never ran). Only effective while the
    /// sink batches (set_schedule). Not movable; one per thread at a time (nested: innermost).
    class ThreadLoop {
    public:
        explicit ThreadLoop(Schedule schedule);
        ~ThreadLoop();
        ThreadLoop(const ThreadLoop&) = delete;
        ThreadLoop& operator=(const ThreadLoop&) = delete;

    private:
        friend class BatchingSink;
        void want_write(BatchingSink& sink);
        void write_pending();

        Schedule schedule_;
        ThreadLoop* outer_;
        /// Sinks to write after this turn (the pointer only identifies one: the weak
        /// reference is what write_pending() uses, so a sink gone by then is skipped).
        std::vector<std::pair<const BatchingSink*, std::weak_ptr<BatchingSink>>> pending_;
    };
    /// Writes what is held and flushes the output.
    void drain();

private:
    void write_held_locked();

    std::mutex mu_;
    const std::shared_ptr<spdlog::sinks::sink> out_;
    Schedule schedule_;
    std::string held_;
    bool scheduled_ = false;
};

}  // namespace rr::logging
