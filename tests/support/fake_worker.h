#pragma once
// FakeWorkers: a pool::PoolOptions::spawner for pool unit tests. Each fake worker is
//   - a real child process (`sleep`), so the pool's exit watching, kill and reaping are real;
//   - a socketpair relay whose other end is served in-process by a coroutine that speaks the
//     worker protocol (PID handshake, jobs, stop command).
// The test decides when handshakes complete, how jobs are answered and which starts fail, and
// reads back the ordered event log (spawn, ready, job, stop command, death).
//
// Job bodies understood by the fake (the answer's context echoes the request's):
//   echo:<text>   answer <text>          pid      answer the worker's pid
//   hold          answer "held" once the test grants a job permit (release_jobs())
//   die           SIGKILL own process and close the relay without answering anything
//   stream_die    one frame with the STREAM bit, then die
//
// Thread safety: the io_context thread (the test thread driving it) only.

#include <signal.h>
#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pool/pool.h"
#include "process/child.h"
#include "process/spawn.h"
#include "protocol/control.h"
#include "transport/async_event.h"
#include "transport/handshake.h"
#include "transport/relay.h"

namespace rr::test {

struct FakeEvent {
    enum Kind { kSpawn, kSpawnFailed, kReady, kJob, kStopCommand, kDied };
    Kind kind;
    int pid = 0;
    std::string body;  ///< kJob: the request body
};

class FakeWorkers : public std::enable_shared_from_this<FakeWorkers> {
public:
    using Kind = FakeEvent::Kind;

    explicit FakeWorkers(asio::io_context& io) : changed_(io.get_executor()) {}
    ~FakeWorkers() { close_all(); }

    // ---- knobs ----
    bool hold_handshakes = false;  ///< new workers wait for release_handshakes() before ready
    int fail_starts = 0;           ///< the next N starts fail with kSpawnFailed
    int die_after_handshake = 0;   ///< the next N workers exit right after their handshake

    void release_handshakes(std::size_t n = ~std::size_t{0}) {
        handshake_permits_ = n == ~std::size_t{0} ? n : handshake_permits_ + n;
        changed_.notify_all();
    }
    void release_jobs(std::size_t n = ~std::size_t{0}) {
        job_permits_ = n == ~std::size_t{0} ? n : job_permits_ + n;
        changed_.notify_all();
    }

    // ---- observation ----
    std::vector<FakeEvent> events;
    std::size_t held_handshakes = 0;  ///< handshakes waiting for a permit now
    std::size_t held_jobs = 0;        ///< "hold" jobs waiting for a permit now

    std::size_t count(Kind k) const {
        std::size_t n = 0;
        for (const auto& e : events) {
            n += e.kind == k;
        }
        return n;
    }
    /// Index of the first event of kind `k` for `pid` (events.size() when none).
    std::size_t index_of(Kind k, int pid) const {
        for (std::size_t i = 0; i < events.size(); ++i) {
            if (events[i].kind == k && events[i].pid == pid) {
                return i;
            }
        }
        return events.size();
    }

    /// The spawner to put into PoolOptions::spawner.
    decltype(pool::PoolOptions::spawner) spawner() {
        std::weak_ptr<FakeWorkers> weak = shared_from_this();
        return [weak](transport::Executor ex, const worker::WorkerOptions& o, std::string* detail)
                   -> transport::Awaitable<Result<std::shared_ptr<worker::Worker>>> {
            auto self = weak.lock();
            if (!self) {
                co_return make_error_code(errc::kSpawnFailed);
            }
            co_return co_await self->start(ex, o, detail);
        };
    }

    /// Closes every peer end (the pool's relays see EOF).
    void close_all() {
        for (auto& [pid, peer] : peers_) {
            peer->relay->close();
        }
        peers_.clear();
    }

private:
    struct Peer {
        int pid = 0;
        std::unique_ptr<transport::Relay> relay;
    };

    transport::Awaitable<Result<std::shared_ptr<worker::Worker>>> start(
        transport::Executor ex, const worker::WorkerOptions& o, std::string* detail) {
        auto self = shared_from_this();
        if (fail_starts > 0) {
            --fail_starts;
            events.push_back({Kind::kSpawnFailed, 0, {}});
            if (detail) {
                *detail = "fake start failure";
            }
            co_return make_error_code(errc::kSpawnFailed);
        }
        process::SpawnOptions so;
        so.argv = {"sleep", "600"};
        so.stdin_mode = so.stdout_mode = so.stderr_mode = process::Stdio::kNull;
        auto proc = process::spawn(so, detail);
        if (!proc) {
            co_return proc.error();
        }
        const int pid = proc.value().pid;
        events.push_back({Kind::kSpawn, pid, {}});
        auto child = process::Child::watch(ex, pid, std::move(proc.value().pidfd), true);
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
            co_return make_error_code(errc::kSpawnFailed);
        }
        auto relay = transport::Relay::from_socket(ex, transport::UniqueFd(sv[0]));
        auto peer = std::make_shared<Peer>();
        peer->pid = pid;
        peer->relay = transport::Relay::from_socket(ex, transport::UniqueFd(sv[1]));
        peers_[pid] = peer;
        const bool die = die_after_handshake > 0;
        if (die) {
            --die_after_handshake;
        }
        asio::co_spawn(ex, serve(peer, die), asio::detached);
        auto reply =
            co_await transport::handshake(*relay, transport::Clock::now() + o.start_timeout);
        if (!reply) {
            child->signal(SIGKILL);
            co_await child->wait_exit(transport::TimePoint::max());
            co_return reply.error();
        }
        auto w = std::make_shared<worker::Worker>(ex, std::move(child), std::move(relay), "fake");
        w->transition(worker::WorkerState::kReady);
        events.push_back({Kind::kReady, pid, {}});
        co_return w;
    }

    void die(Peer& peer) {
        events.push_back({Kind::kDied, peer.pid, {}});
        ::kill(peer.pid, SIGKILL);
        peer.relay->close();
        peers_.erase(peer.pid);
    }

    transport::Awaitable<void> wait_permit(std::size_t& permits, std::size_t& held) {
        ++held;
        while (permits == 0) {
            co_await changed_.wait_until(transport::TimePoint::max());
        }
        if (permits != ~std::size_t{0}) {
            --permits;
        }
        --held;
    }

    transport::Awaitable<void> answer(Peer& peer, const transport::Frame& f, std::string body,
                                      std::uint8_t byte10 = 0) {
        const std::string_view ctx = std::string_view(f.payload).substr(0, f.options[0]);
        const std::uint32_t size = static_cast<std::uint32_t>(ctx.size());
        const std::string_view parts[] = {ctx, body};
        co_await peer.relay->write_frame(f.header.flags, byte10, {&size, 1}, parts);
    }

    transport::Awaitable<void> serve(std::shared_ptr<Peer> peer, bool die_at_once) {
        auto self = shared_from_this();
        while (true) {
            auto frame = co_await peer->relay->read_frame(1 << 20);
            if (!frame) {
                break;  // the pool closed its end (worker killed or destroyed)
            }
            const auto& f = frame.value();
            if (f.header.has_flag(protocol::flag::kControl)) {
                if (f.payload.find("stop") != std::string::npos) {
                    events.push_back({Kind::kStopCommand, peer->pid, {}});
                    ::kill(peer->pid, SIGTERM);
                    peer->relay->close();
                    peers_.erase(peer->pid);
                    break;
                }
                if (hold_handshakes) {
                    co_await wait_permit(handshake_permits_, held_handshakes);
                }
                const std::string pid = "{\"pid\":" + std::to_string(peer->pid) + "}";
                const std::string_view parts[] = {pid};
                co_await peer->relay->write_frame(protocol::flag::kControl, 0, {}, parts);
                if (die_at_once) {
                    die(*peer);
                    break;
                }
                continue;
            }
            if (f.header.byte10 != 0 || f.header.option_count != 1) {
                continue;  // STOP / PONG: not used by these tests
            }
            const std::string body = f.payload.substr(f.options[0]);
            events.push_back({Kind::kJob, peer->pid, body});
            if (body == "die") {
                die(*peer);
                break;
            }
            if (body == "stream_die") {
                co_await answer(*peer, f, "first", protocol::stream_bit::kStream);
                die(*peer);
                break;
            }
            if (body == "hold") {
                co_await wait_permit(job_permits_, held_jobs);
                co_await answer(*peer, f, "held");
            } else if (body == "pid") {
                co_await answer(*peer, f, std::to_string(peer->pid));
            } else {
                // Not a conditional inside the co_await: g++ 12 destroys its temporary twice.
                std::string text = body;
                if (body.rfind("echo:", 0) == 0) {
                    text = body.substr(5);
                }
                co_await answer(*peer, f, std::move(text));
            }
        }
    }

    transport::AsyncEvent changed_;
    std::size_t handshake_permits_ = 0;
    std::size_t job_permits_ = 0;
    std::map<int, std::shared_ptr<Peer>> peers_;
};

}  // namespace rr::test
