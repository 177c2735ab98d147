#include "plugins/http/plugin.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pwd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "http/middleware.h"
#include "http/server.h"
#include "plugins/http/loops.h"
#include "plugins/http/settings.h"
#include "process/proc_stat.h"

namespace rr::plugins {

namespace asio = boost::asio;

namespace {

/// Temp upload files belong to the workers' user, as upstream chowns them.
void upload_owner(const std::string& user, std::optional<uid_t>& uid, std::optional<gid_t>& gid) {
    if (user.empty()) return;
    if (const passwd* pw = ::getpwnam(user.c_str())) {
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    }
}

}  // namespace

HttpPlugin::HttpPlugin() = default;
HttpPlugin::~HttpPlugin() = default;

InitStatus HttpPlugin::init(InitContext& ctx) {
    const config::Node* section = ctx.section(kName);
    if (section == nullptr) return InitStatus::kDisabled;
    config_ = ctx.decode(*section, std::string(kName), decode_http_config);
    io_ = &ctx.io();
    log_ = ctx.logger();
    warn_unserved(ctx);
    if (!config_.address && !config_.ssl) {
        throw config::ConfigError("http.address",
                                  "required: this build does not serve http.fcgi, so http.address "
                                  "or http.ssl is needed");
    }
    tls_ = tls_context(config_);  // certificate and key errors name their key at start-up
    if (config_.ssl && config_.ssl->client_auth_type != ClientAuthType::kNoClientCerts &&
        config_.ssl->root_ca.empty()) {
        log_->warn("http.ssl.client_auth_type: no effect without http.ssl.root_ca (as upstream)");
    }
    provider_ = &ctx.require<WorkerPoolProvider>();
    pool_options_ = provider_->pool_options(config_.pool, "http", log_);
    pool_options_.roster = roster_;  // every loop's pool: the metrics scrape reads it

    std::optional<uid_t> uid;
    std::optional<gid_t> gid;
    upload_owner(pool_options_.spawn.user, uid, gid);
    handler_options_.internal_error_code = config_.internal_error_code;
    handler_options_.debug = config_.pool.debug;
    handler_options_.raw_body = config_.raw_body;
    handler_options_.access_logs = config_.access_logs;
    handler_options_.retry = config_.retry == "all"   ? RetryPolicy::kAll
                             : config_.retry == "off" ? RetryPolicy::kOff
                                                      : RetryPolicy::kIdempotent;
    handler_options_.forms = form_settings(config_, uid, gid);

    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    io_threads_ = config_.io_threads == 0 ? default_io_threads(cores) : config_.io_threads;
    if (io_threads_ > 1 && pool_options_.relay != "pipes") {
        // Every shard would bind the same relay address.
        log_->warn("http.io_threads: {} needs the pipes relay (server.relay is {}); 1 I/O thread",
                   io_threads_, pool_options_.relay);
        io_threads_ = 1;
    }
    if (io_threads_ > 1) {
        if (pool_options_.num_workers == 0) pool_options_.num_workers = cores;
        if (io_threads_ > pool_options_.num_workers) {
            log_->warn("http.io_threads: {} is more than the {} workers; {} I/O threads",
                       io_threads_, pool_options_.num_workers, pool_options_.num_workers);
            io_threads_ = pool_options_.num_workers;
        }
    }
    if (io_threads_ > 1) loops_ = std::make_unique<HttpLoops>(*io_, io_threads_);
    return InitStatus::kEnabled;
}

void HttpPlugin::warn_unserved(const InitContext& ctx) {
    // Keys this build parses but does not serve yet (docs/compat.md, "Not served yet"): one
    // warning each, so nothing configured is silently ignored.
    const config::Node& http = *ctx.section(kName);
    for (std::string_view key : kMiddlewareSections) {
        const config::Node* sub = http.find_nocase(key);
        if (sub == nullptr || sub->is_null()) continue;
        if (key == "cache" || key == "new_relic" || key == "otel") {
            log_->warn("http.{}: not served by this build yet (no {} middleware); ignored", key,
                       key);
        } else {
            configured_sections_.emplace_back(key);
        }
    }
}

void HttpPlugin::build_middleware(const Registry& registry) {
    const auto providers = registry.collect<HttpMiddlewareProvider>();
    auto find = [&](std::string_view name) -> HttpMiddlewareProvider* {
        for (const auto& [plugin, provider] : providers) {
            if (provider->name() == name) return provider;
        }
        return nullptr;
    };
    const MiddlewarePlan plan = plan_middleware(
        config_.middleware, [&](std::string_view name) { return find(name) != nullptr; });
    for (const auto& name : plan.unknown) {
        // Upstream's warning; the hint names the section a bundled middleware needs.
        const bool needs_section = name == "static" || name == "headers";
        log_->warn("requested middleware does not exist: \"{}\"{}", name,
                   needs_section ? fmt::format(" (it needs an http.{} section)", name) : "");
    }
    middleware_.clear();
    for (const auto& name : plan.outermost_first) middleware_.push_back(find(name)->middleware());
    for (const auto& key : configured_sections_) {
        if (std::find(config_.middleware.begin(), config_.middleware.end(), key) ==
            config_.middleware.end()) {
            log_->warn("http.{} is configured but \"{}\" is not listed in http.middleware; ignored",
                       key, key);
        }
    }
    if (!plan.outermost_first.empty()) {
        log_->debug("http middleware, outermost first: {}", fmt::join(plan.outermost_first, ", "));
    }
}

void HttpPlugin::serve(ServeContext& ctx) {
    build_middleware(ctx.registry());
    starting_ = true;
    asio::co_spawn(*io_, start(ctx, ctx.defer_started()), asio::detached);
}

asio::awaitable<void> HttpPlugin::start(ServeContext ctx, std::function<void()> started) {
    const bool ready = co_await provider_->wait_ready();
    if (ready && !stopping_ && loops_) {
        HttpLoops::Setup setup{pool_options_, handler_options_, middleware_,
                               server_settings(config_, tls_), log_};
        const std::string error = co_await loops_->start(std::move(setup));
        if (!error.empty()) {
            ctx.fail("http: " + error);
        } else {
            log_->info("http server listening on {} ({} workers, {} requests, {} I/O threads)",
                       listening_address(), pool_options_.num_workers,
                       loops_->codec() == protocol::HttpCodec::kJson ? "json" : "proto",
                       loops_->count());
            started();
        }
    } else if (ready && !stopping_) {
        auto created = co_await pool::Pool::create(io_->get_executor(), pool_options_);
        if (!created) {
            ctx.fail("http: cannot start the worker pool: " + created.error().message());
        } else {
            pool_ = std::move(created).value();
            handler_options_.codec = negotiate_codec(pool_->advertised_codecs());
            handler_ = std::make_unique<PoolHandler>(pool_, handler_options_, log_);
            http::Handler* entry = handler_.get();
            if (!middleware_.empty()) {
                chain_ = std::make_unique<http::MiddlewareChain>(middleware_, *handler_);
                entry = chain_.get();
            }
            if (!stopping_) {
                server_ = std::make_unique<http::Server>(*io_, server_settings(config_, tls_),
                                                         *entry, log_);
                std::string detail;
                if (const auto ec = server_->start(&detail)) {
                    ctx.fail(fmt::format("http: cannot listen: {}",
                                         detail.empty() ? ec.message() : detail));
                } else {
                    log_->info(
                        "http server listening on {} ({} workers, {} requests)",
                        listening_address(), pool_->stats().workers,
                        handler_options_.codec == protocol::HttpCodec::kJson ? "json" : "proto");
                    started();
                }
            }
        }
    }
    starting_ = false;
    if (pending_stop_) {
        co_await shutdown(pending_deadline_, std::exchange(pending_stop_, nullptr));
    }
}

void HttpPlugin::stop(Deadline deadline, StopDone done) {
    stopping_ = true;
    if (starting_) {  // start() finishes first, then shuts down what it started
        pending_deadline_ = deadline;
        pending_stop_ = std::move(done);
        return;
    }
    asio::co_spawn(*io_, shutdown(deadline, std::move(done)), asio::detached);
}

asio::awaitable<void> HttpPlugin::shutdown(Deadline deadline, StopDone done) {
    if (loops_) {
        co_await loops_->shutdown(deadline);
        done({});
        co_return;
    }
    if (server_) {
        server_->stop();  // idle connections close now, busy ones after their response
        // Wait for the last connection or the deadline, whichever comes first. The timer is
        // shared: the drain callback may run after this frame is gone (deadline first).
        auto timer = std::make_shared<asio::steady_timer>(*io_, deadline);
        auto drained = std::make_shared<bool>(false);
        server_->on_drained([timer, drained] {
            *drained = true;
            timer->cancel();
        });
        if (!*drained) {
            boost::system::error_code ec;
            co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        server_->close_all();
    }
    if (pool_) co_await pool_->destroy();
    done({});
}

void HttpPlugin::pool_operation(ControlDone done,
                                std::function<asio::awaitable<Result<void>>(pool::Pool&)> op) {
    if (!pool_ || stopping_) {
        done(errc::kPoolStopped);
        return;
    }
    asio::co_spawn(
        *io_,
        [pool = pool_, done = std::move(done), op = std::move(op)]() -> asio::awaitable<void> {
            auto result = co_await op(*pool);
            done(result ? boost::system::error_code() : result.error());
        },
        asio::detached);
}

void HttpPlugin::reset(ControlDone done) {
    if (loops_) return loops_->reset(std::move(done));
    pool_operation(std::move(done), [](pool::Pool& p) { return p.reset(); });
}

void HttpPlugin::add_worker(ControlDone done) {
    if (loops_) return loops_->add_worker(std::move(done));
    pool_operation(std::move(done), [](pool::Pool& p) { return p.add_worker(); });
}

void HttpPlugin::remove_worker(ControlDone done) {
    if (loops_) return loops_->remove_worker(std::move(done));
    pool_operation(std::move(done), [](pool::Pool& p) { return p.remove_worker(); });
}

std::vector<WorkerInfo> HttpPlugin::workers() const {
    std::vector<WorkerInfo> out;
    if (!pool_ && !loops_) return out;
    for (const auto& w : loops_ ? loops_->workers() : pool_->workers()) {
        WorkerInfo info;
        info.pid = w.pid;
        info.state = static_cast<std::int64_t>(w.state);
        info.status = std::string(worker::to_string(w.state));
        info.num_execs = w.execs;
        info.memory_bytes = w.rss_bytes;
        // A worker that exited a moment ago has no /proc entry left: 0, as for a new one.
        const auto cpu = process::cpu_percent(w.pid);
        info.cpu_percent = cpu ? cpu.value() : 0.0;
        // `command` stays empty: upstream reports it for the service plugin's processes only.
        info.created_unix_ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(w.created.time_since_epoch())
                .count();
        out.push_back(std::move(info));
    }
    return out;
}

std::optional<int> HttpPlugin::health_status() const {
    if (loops_) {
        if (!loops_->started()) return std::nullopt;
        return loops_->live_hint() > 0 ? 200 : 503;
    }
    if (!pool_) return std::nullopt;  // still starting
    const pool::PoolStats stats = pool_->stats();
    return stats.ready + stats.busy > 0 ? 200 : 503;
}

std::optional<int> HttpPlugin::ready_status() const {
    if (loops_) {
        if (!loops_->started()) return std::nullopt;
        return loops_->idle_hint() > 0 ? 200 : 503;
    }
    if (!pool_) return std::nullopt;
    return pool_->stats().ready > 0 ? 200 : 503;
}

std::vector<std::shared_ptr<const metrics::Collector>> HttpPlugin::metrics_collectors() {
    // Scrapes run on the metrics thread: they read the pools' roster (atomics under a mutex
    // only joins and leaves take) and each worker's RSS from /proc on that thread, never
    // waking an I/O thread (worker/roster.h says why).
    auto source = [roster = roster_]() -> std::vector<WorkerInfo> {
        std::vector<WorkerInfo> out;
        for (const worker::MirroredWorker& w : roster->snapshot()) {
            WorkerInfo& info = out.emplace_back();
            info.pid = w.pid;
            info.state = static_cast<std::int64_t>(w.state);
            info.status = std::string(worker::to_string(w.state));
            info.num_execs = w.execs;
            // A worker that exited a moment ago has no /proc entry left: 0, as for a new one.
            const auto rss = process::rss_bytes(w.pid);
            info.memory_bytes = rss ? rss.value() : 0;
        }
        return out;
    };
    return {std::make_shared<WorkerGaugesCollector>("rr_http", "HTTP", std::move(source))};
}

std::string HttpPlugin::listening_address() const {
    if (loops_) return loops_->addresses();
    if (!server_) return {};
    return fmt::format("{}", fmt::join(server_->addresses(), ", "));
}

}  // namespace rr::plugins
