#include "plugins/reload/plugin.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>

namespace rr::plugins {

namespace asio = boost::asio;

ReloadPlugin::ReloadPlugin() = default;

ReloadPlugin::~ReloadPlugin() {
    *alive_ = false;
}

InitStatus ReloadPlugin::init(InitContext& ctx) {
    const config::Node* section = ctx.section(kName);
    if (section == nullptr) return InitStatus::kDisabled;
    config_ = ctx.decode(*section, std::string(kName), decode_reload_config);
    io_ = &ctx.io();
    log_ = ctx.logger();
    return InitStatus::kEnabled;
}

void ReloadPlugin::serve(ServeContext& ctx) {
    registry_ = &ctx.registry();
    timer_ = std::make_unique<asio::steady_timer>(*io_);
    std::vector<WatchSpec> specs;
    std::vector<std::string> warnings;
    std::vector<std::string> resettable;
    for (const auto& [name, r] : registry_->collect<Resettable>()) resettable.emplace_back(name);
    for (const auto& svc : config_.services) {
        if (std::find(resettable.begin(), resettable.end(), svc.name) == resettable.end()) {
            warnings.push_back(fmt::format(
                "reload.services.{}: no plugin named {} can be reset (enabled: {}); changes there "
                "reset nothing",
                svc.name, svc.name,
                resettable.empty() ? "none" : fmt::format("{}", fmt::join(resettable, ", "))));
        }
        specs.push_back(WatchSpec{svc.name, svc.dirs, svc.recursive, svc.patterns, svc.ignore});
    }
    watcher_ = std::make_unique<FileWatcher>(
        *io_, std::move(specs),
        [this](const std::string& service, const std::filesystem::path& path) {
            on_change(service, path);
        },
        log_);
    if (const auto ec = watcher_->start(warnings)) {
        ctx.fail(fmt::format("cannot watch files: inotify: {}", ec.message()));
        return;
    }
    for (const auto& w : warnings) log_->warn("{}", w);
    log_->info("watching {} directories for changes (interval {}ms)", watcher_->watch_count(),
               std::chrono::duration_cast<std::chrono::milliseconds>(config_.interval).count());
}

void ReloadPlugin::stop(Deadline /*deadline*/, StopDone done) {
    *alive_ = false;  // resets still in flight report to nobody
    if (watcher_) watcher_->stop();
    if (timer_) timer_->cancel();
    done({});
}

void ReloadPlugin::on_change(const std::string& service, const std::filesystem::path& path) {
    log_->debug("{}: {} changed", service, path.string());
    Pending& p = pending_[service];
    if (p.changes++ == 0) p.first = path;
    // Debounce as upstream: every change restarts the quiet interval.
    timer_->expires_after(config_.interval);
    timer_->async_wait([this, alive = alive_](boost::system::error_code ec) {
        if (ec || !*alive) return;
        fire();
    });
}

void ReloadPlugin::fire() {
    auto pending = std::exchange(pending_, {});
    for (const auto& [service, why] : pending) reset(service, why);
}

void ReloadPlugin::reset(const std::string& service, const Pending& why) {
    Resettable* target = nullptr;
    for (const auto& [name, r] : registry_->collect<Resettable>()) {
        if (name == service) target = r;
    }
    if (target == nullptr) return;  // warned at start
    if (running_[service]) {
        Pending& again = again_[service];
        if (again.changes == 0) again.first = why.first;
        again.changes += why.changes;
        return;
    }
    running_[service] = true;
    log_->info("{} changed ({} change{}); resetting {}", why.first.string(), why.changes,
               why.changes == 1 ? "" : "s", service);
    const auto started = std::chrono::steady_clock::now();
    target->reset([this, alive = alive_, service, started](boost::system::error_code ec) {
        if (!*alive) return;
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        if (ec) {
            log_->error("reset of {} failed after {:.3f}s: {}", service, took.count(),
                        ec.message());
        } else {
            log_->info("plugin {} reset in {:.3f}s", service, took.count());
        }
        running_[service] = false;
        if (auto it = again_.find(service); it != again_.end()) {
            const Pending why_again = it->second;
            again_.erase(it);
            reset(service, why_again);
        }
    });
}

}  // namespace rr::plugins
