#include "plugins/http/loops.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pthread.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "common/error.h"
#include "http/middleware.h"
#include "http/server.h"
#include "logging/batching_sink.h"
#include "plugins/api/observability.h"

namespace rr::plugins {

namespace asio = boost::asio;
using boost::system::error_code;
using transport::Awaitable;

std::vector<std::size_t> shard_sizes(std::size_t num_workers, std::size_t loops) {
    std::vector<std::size_t> out(loops, num_workers / loops);
    for (std::size_t i = 0; i < num_workers % loops; ++i) ++out[i];
    return out;
}

HttpLoops::HttpLoops(asio::io_context& main, std::size_t count) : main_(main), loops_(count) {
    for (std::size_t i = 0; i < count; ++i) {
        Loop& l = loops_[i];
        l.io = std::make_unique<asio::io_context>(1);
        l.guard = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
            l.io->get_executor());
        l.thread = std::thread([this, io = l.io.get(), i] {
            const std::string name = fmt::format("rr-http-{}", i);
            ::pthread_setname_np(::pthread_self(), name.c_str());
            try {
                // Access-log lines of this loop leave at the end of its own turns.
                logging::BatchingSink::ThreadLoop batching(
                    [io](std::function<void()> write) { asio::post(*io, std::move(write)); });
                io->run();
            } catch (const std::exception& e) {
                if (log_) log_->error("http loop {} stopped: {}", i, e.what());
            }
            {
                std::lock_guard lock(exit_mu_);
                ++exited_;
            }
            exit_cv_.notify_all();
        });
    }
}

HttpLoops::~HttpLoops() {
    join();
    // The loops' objects die on this thread now that no loop runs; the io_contexts last (a
    // Server closes its sockets on destruction; handlers left in a queue are dropped with it).
    for (Loop& l : loops_) {
        l.server.reset();
        l.chain.reset();
        l.handler.reset();
    }
    shards_.reset();
    for (Loop& l : loops_) l.pool.reset();
    for (Loop& l : loops_) l.io.reset();
}

void HttpLoops::join() {
    if (joined_) return;
    joined_ = true;
    for (Loop& l : loops_) l.guard.reset();
    {
        // Each loop runs out of work once its connections and workers are gone; one that still
        // has some after the grace (a stuck handler) is stopped.
        std::unique_lock lock(exit_mu_);
        exit_cv_.wait_for(lock, std::chrono::seconds(2), [&] { return exited_ == loops_.size(); });
    }
    for (Loop& l : loops_) l.io->stop();
    for (Loop& l : loops_) {
        if (l.thread.joinable()) l.thread.join();
    }
}

Awaitable<void> HttpLoops::on_every_loop(std::function<Awaitable<void>(std::size_t)> fn) {
    auto ex = co_await asio::this_coro::executor;
    struct State {
        std::atomic<std::size_t> left{0};
        bool done = false;
        std::optional<asio::steady_timer> timer;
    };
    auto st = std::make_shared<State>();
    st->left = loops_.size();
    st->timer.emplace(ex, asio::steady_timer::time_point::max());
    for (std::size_t i = 0; i < loops_.size(); ++i) {
        asio::co_spawn(loops_[i].io->get_executor(), fn(i), [st, ex](std::exception_ptr) {
            if (st->left.fetch_sub(1) == 1) {
                asio::post(ex, [st] {
                    st->done = true;
                    st->timer->cancel();
                });
            }
        });
    }
    if (!st->done) {
        error_code ec;
        co_await st->timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

Awaitable<std::string> HttpLoops::start(Setup setup) {
    log_ = setup.log;
    const std::size_t n = loops_.size();
    const auto sizes = shard_sizes(setup.pool.num_workers, n);
    std::vector<PoolShard> shards;
    std::vector<std::string> codecs;
    for (std::size_t i = 0; i < n; ++i) {
        pool::PoolOptions opts = setup.pool;
        opts.num_workers = sizes[i];
        if (opts.dynamic_allocator.max_workers > 0) {
            opts.dynamic_allocator.max_workers = (opts.dynamic_allocator.max_workers + n - 1) / n;
        }
        auto ex = loops_[i].io->get_executor();
        auto created = std::make_shared<std::optional<Result<std::shared_ptr<pool::Pool>>>>();
        auto advertised = std::make_shared<std::vector<std::string>>();
        auto hop = [ex, opts = std::move(opts), created, advertised]() -> Awaitable<void> {
            created->emplace(co_await pool::Pool::create(ex, opts));
            if (**created) *advertised = (*created)->value()->advertised_codecs();
        };
        co_await asio::co_spawn(ex, std::move(hop), asio::use_awaitable);
        if (!**created) {
            const std::string message = (*created)->error().message();
            for (std::size_t j = 0; j < i; ++j) {
                auto hop1 = [p = loops_[j].pool]() -> Awaitable<void> { co_await p->destroy(); };
                co_await asio::co_spawn(loops_[j].io->get_executor(), std::move(hop1),
                                        asio::use_awaitable);
            }
            co_return "cannot start the worker pool: " + message;
        }
        loops_[i].pool = (*created)->value();
        shards.push_back({loops_[i].pool, ex});
        if (i == 0) codecs = std::move(*advertised);
    }
    codec_ = negotiate_codec(codecs);
    shards_ = std::make_unique<ShardSet>(std::move(shards));
    for (std::size_t i = 0; i < n; ++i) {
        PoolHandler::Options opts = setup.handler;
        opts.codec = codec_;
        opts.shards = shards_.get();
        opts.shard_index = i;
        loops_[i].handler = std::make_unique<PoolHandler>(loops_[i].pool, opts, log_);
        if (!setup.middleware.empty()) {
            loops_[i].chain =
                std::make_unique<http::MiddlewareChain>(setup.middleware, *loops_[i].handler);
        }
    }

    // Servers: loop 0 binds every listener (port 0 gets a real port); the others bind the same
    // TCP addresses, SO_REUSEPORT on all of them. Unix sockets stay on loop 0.
    http::ServerSettings first = setup.server;
    first.reuse_port = true;
    for (auto& l : first.listeners) l.reuse_port = true;
    std::vector<asio::ip::tcp::endpoint> bound;
    for (std::size_t i = 0; i < n; ++i) {
        http::ServerSettings s = first;
        if (i > 0) {
            s.listeners.clear();
            for (std::size_t k = 0; k < first.listeners.size(); ++k) {
                if (first.listeners[k].kind == http::ListenerSettings::Kind::kUnix) continue;
                s.listeners.push_back(first.listeners[k]);
                s.listeners.back().port = bound[k].port();
            }
            if (first.listeners.empty()) {
                s.port = bound.empty() ? first.port : bound[0].port();
            } else if (s.listeners.empty()) {
                continue;  // unix sockets only: this loop's shard serves other loops' jobs
            }
        }
        Loop& l = loops_[i];
        http::Handler* entry =
            l.chain ? static_cast<http::Handler*>(l.chain.get()) : l.handler.get();
        auto result = std::make_shared<std::pair<error_code, std::string>>();
        auto endpoints = std::make_shared<std::vector<asio::ip::tcp::endpoint>>();
        auto addresses = std::make_shared<std::vector<std::string>>();
        auto hop2 = [&l, s = std::move(s), entry, log = log_, result, endpoints,
                     addresses]() mutable -> Awaitable<void> {
            l.server = std::make_unique<http::Server>(*l.io, std::move(s), *entry, log);
            result->first = l.server->start(&result->second);
            if (result->first) {
                l.server.reset();
            } else {
                *endpoints = l.server->tcp_endpoints();
                *addresses = l.server->addresses();
            }
            co_return;
        };
        co_await asio::co_spawn(l.io->get_executor(), std::move(hop2), asio::use_awaitable);
        if (result->first) {
            co_return "cannot listen: " +
                (result->second.empty() ? result->first.message() : result->second);
        }
        if (i == 0) {
            bound = std::move(*endpoints);
            addresses_ = fmt::format("{}", fmt::join(*addresses, ", "));
        }
    }
    ready_.store(true, std::memory_order_release);
    co_return std::string();
}

Awaitable<void> HttpLoops::shutdown(Deadline deadline) {
    stopping_ = true;
    ready_.store(false, std::memory_order_release);  // workers() and the hints: none from now
    // Every loop drains first, then the pools go: a job stolen from a loop still draining
    // finds its worker.
    co_await on_every_loop([this, deadline](std::size_t i) -> Awaitable<void> {
        Loop& l = loops_[i];
        if (!l.server) co_return;
        l.server->stop();
        auto timer = std::make_shared<asio::steady_timer>(*l.io, deadline);
        auto drained = std::make_shared<bool>(false);
        l.server->on_drained([timer, drained] {
            *drained = true;
            timer->cancel();
        });
        if (!*drained) {
            error_code ec;
            co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        l.server->close_all();
    });
    co_await on_every_loop([this](std::size_t i) -> Awaitable<void> {
        if (loops_[i].pool) co_await loops_[i].pool->destroy();
    });
    join();
}

Awaitable<Result<void>> HttpLoops::on_shard(
    std::size_t i, std::function<Awaitable<Result<void>>(pool::Pool&)> op) {
    auto out = std::make_shared<std::optional<Result<void>>>();
    auto hop3 = [pool = loops_[i].pool, op = std::move(op), out]() -> Awaitable<void> {
        out->emplace(co_await op(*pool));
    };
    co_await asio::co_spawn(loops_[i].io->get_executor(), std::move(hop3), asio::use_awaitable);
    co_return std::move(**out);
}

void HttpLoops::control(ControlDone done, std::function<Awaitable<Result<void>>()> body) {
    if (!started() || stopping_) {
        done(errc::kPoolStopped);
        return;
    }
    asio::co_spawn(
        main_,
        [body = std::move(body), done = std::move(done)]() -> Awaitable<void> {
            auto result = co_await body();
            done(result ? error_code() : result.error());
        },
        asio::detached);
}

void HttpLoops::reset(ControlDone done) {
    control(std::move(done), [this]() -> Awaitable<Result<void>> {
        Result<void> last = outcome::success();
        for (std::size_t i = 0; i < loops_.size(); ++i) {
            auto r = co_await on_shard(i, [](pool::Pool& p) { return p.reset(); });
            if (!r) last = r;
        }
        co_return last;
    });
}

void HttpLoops::add_worker(ControlDone done) {
    control(std::move(done), [this]() -> Awaitable<Result<void>> {
        std::size_t best = 0;
        for (std::size_t i = 1; i < loops_.size(); ++i) {
            if (loops_[i].pool->live_hint() < loops_[best].pool->live_hint()) best = i;
        }
        co_return co_await on_shard(best, [](pool::Pool& p) { return p.add_worker(); });
    });
}

void HttpLoops::remove_worker(ControlDone done) {
    control(std::move(done), [this]() -> Awaitable<Result<void>> {
        std::size_t best = 0;
        for (std::size_t i = 1; i < loops_.size(); ++i) {
            if (loops_[i].pool->live_hint() > loops_[best].pool->live_hint()) best = i;
        }
        co_return co_await on_shard(best, [](pool::Pool& p) { return p.remove_worker(); });
    });
}

std::vector<worker::WorkerInfo> HttpLoops::workers() const {
    std::vector<worker::WorkerInfo> out;
    if (!started()) return out;
    for (const Loop& l : loops_) {
        if (!l.pool) continue;
        auto part = std::make_shared<std::vector<worker::WorkerInfo>>();
        if (run_on(
                *l.io, [pool = l.pool, part] { *part = pool->workers(); },
                std::chrono::seconds(2))) {
            out.insert(out.end(), part->begin(), part->end());
        }
    }
    return out;
}

std::size_t HttpLoops::live_hint() const noexcept {
    std::size_t n = 0;
    if (!started()) return n;
    for (const Loop& l : loops_) n += l.pool->live_hint();
    return n;
}

std::size_t HttpLoops::idle_hint() const noexcept {
    std::size_t n = 0;
    if (!started()) return n;
    for (const Loop& l : loops_) n += l.pool->idle_hint();
    return n;
}

}  // namespace rr::plugins
