#include "app/container.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include "app/log_options.h"

namespace rr::app {
Container::Container(boost::asio::io_context& io, logging::Logging& logging,
                     const config::Config& config, std::chrono::nanoseconds grace_period)
    : io_(io),
      logging_(logging),
      config_(config),
      grace_period_(grace_period),
      log_(logging.get("endure")) {
    // The container's own chatter follows endure.log_level (default error), as upstream.
    log_->set_level(std::max(log_->level(), to_spdlog_level(config.endure.log_level)));
}

Container::~Container() {
    // Release in reverse start order, so a plugin outlives the plugins that depend on it.
    for (auto it = enabled_.rbegin(); it != enabled_.rend(); ++it) {
        for (auto& p : plugins_) {
            if (p.get() == *it) p.reset();
        }
    }
}

void Container::add(std::unique_ptr<Plugin> plugin) {
    for (const auto& p : plugins_) {
        if (p->name() == plugin->name()) {
            throw ContainerError(fmt::format("plugin \"{}\" registered twice", plugin->name()));
        }
    }
    plugins_.push_back(std::move(plugin));
}

std::vector<std::string> Container::order() const {
    std::map<std::string_view, const Plugin*> by_name;
    for (const auto& p : plugins_) by_name.emplace(p->name(), p.get());
    for (const auto& p : plugins_) {
        for (std::string_view dep : p->dependencies()) {
            if (!by_name.contains(dep)) {
                throw ContainerError(fmt::format(
                    "plugin \"{}\" depends on \"{}\", which is not registered", p->name(), dep));
            }
        }
    }

    std::vector<std::string> out;
    std::set<std::string_view> placed;
    while (out.size() < plugins_.size()) {
        bool progress = false;
        for (const auto& p : plugins_) {
            if (placed.contains(p->name())) continue;
            const auto deps = p->dependencies();
            if (std::all_of(deps.begin(), deps.end(),
                            [&](std::string_view d) { return placed.contains(d); })) {
                placed.insert(p->name());
                out.emplace_back(p->name());
                progress = true;
                break;  // restart from the top: keeps registration order among free plugins
            }
        }
        if (progress) continue;

        // Every remaining plugin waits on another remaining one: walk dependencies until a
        // plugin repeats, and report that loop.
        const Plugin* cur = nullptr;
        for (const auto& p : plugins_) {
            if (!placed.contains(p->name())) {
                cur = p.get();
                break;
            }
        }
        std::vector<std::string_view> path;
        while (std::find(path.begin(), path.end(), cur->name()) == path.end()) {
            path.push_back(cur->name());
            for (std::string_view d : cur->dependencies()) {
                if (!placed.contains(d)) {
                    cur = by_name.at(d);
                    break;
                }
            }
        }
        const auto loop_start = std::find(path.begin(), path.end(), cur->name());
        std::string text;
        for (auto it = loop_start; it != path.end(); ++it) text += fmt::format("{} -> ", *it);
        text += cur->name();
        throw ContainerError("plugin dependency cycle: " + text);
    }
    return out;
}

void Container::init() {
    const std::vector<std::string> names = order();
    for (const std::string& name : names) {
        Plugin* plugin = nullptr;
        for (const auto& p : plugins_) {
            if (p->name() == name) plugin = p.get();
        }
        std::vector<Plugin*> deps;
        std::string_view disabled_dep;
        for (std::string_view d : plugin->dependencies()) {
            auto it = std::find_if(enabled_.begin(), enabled_.end(),
                                   [&](Plugin* e) { return e->name() == d; });
            if (it == enabled_.end()) {
                disabled_dep = d;
                break;
            }
            deps.push_back(*it);
        }
        if (!disabled_dep.empty()) {
            log_->debug("plugin {} disabled: its dependency {} is disabled", name, disabled_dep);
            continue;
        }
        InitContext ctx(config_, logging_, io_, logging_.get(name), std::move(deps));
        if (plugin->init(ctx) == InitStatus::kEnabled) {
            enabled_.push_back(plugin);
            log_->debug("plugin {} initialised", name);
        } else {
            log_->debug("plugin {} disabled", name);
        }
    }
}

std::vector<std::string> Container::enabled() const {
    std::vector<std::string> out;
    for (Plugin* p : enabled_) out.emplace_back(p->name());
    return out;
}

void Container::serve(FailHandler on_fail, std::function<void()> on_started) {
    on_started_ = std::move(on_started);
    // Counts serve() itself as one pending start, so a plugin that is up at once cannot
    // announce "started" before later plugins were even served.
    ++starting_;
    auto one_started = [this] {
        if (--starting_ == 0 && !failed_ && on_started_) {
            auto cb = std::move(on_started_);
            cb();
        }
    };
    for (Plugin* p : enabled_) {
        served_.push_back(p);
        const std::string name(p->name());
        ServeContext ctx(
            io_, *this,
            [this, on_fail, name](std::string message) {
                failed_ = true;
                on_fail(name, std::move(message));
            },
            [this, name, one_started]() -> std::function<void()> {
                ++starting_;
                auto once = std::make_shared<bool>(false);
                return [this, name, one_started, once] {
                    if (std::exchange(*once, true)) return;
                    log_->debug("plugin {} started", name);
                    one_started();
                };
            });
        p->serve(ctx);
        log_->debug("plugin {} serving", name);
        if (failed_) break;  // later plugins are not started; the caller stops the served ones
    }
    one_started();
}

std::vector<std::string> Container::unowned_sections() const {
    // Sections of upstream plugins (BEHAVIOUR.md §1.15, the reference .rr.yaml): configs that
    // carry them still start here, with one warning each.
    static constexpr std::string_view kUpstreamSections[] = {
        "rpc",          "status",    "metrics",    "reload",   "jobs",
        "kv",           "grpc",      "temporal",   "service",  "otel",
        "centrifuge",   "tcp",       "fileserver", "lock",     "redis",
        "boltdb",       "memcached", "memory",     "amqp",     "sqs",
        "nats",         "kafka",     "beanstalk",  "nsq",      "google_pub_sub",
        "googlepubsub", "informer",  "resetter",   "gzip",     "headers",
        "static",       "sendfile",  "prometheus", "new_relic"};
    std::set<std::string> owned = {"logs", "endure"};
    for (const auto& p : plugins_) {
        for (std::string_view section : p->sections()) owned.emplace(section);
    }
    std::vector<std::string> out;
    for (const std::string& key : config_.section_names()) {
        std::string lower = key;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (owned.contains(lower) || config_.section(key) == nullptr) continue;
        const bool upstream = std::find(std::begin(kUpstreamSections), std::end(kUpstreamSections),
                                        lower) != std::end(kUpstreamSections);
        out.push_back(upstream ? key + ": section not served by this build yet; ignored"
                               : key + ": unknown section; ignored");
    }
    return out;
}

void Container::stop(std::function<void(bool clean)> done) {
    if (stopping_) return;
    stopping_ = true;
    stop_done_ = std::move(done);
    // Every served plugin hears that a stop began before the first one is stopped, so the
    // status plugin reports "not ready" while the http plugin is still draining.
    for (Plugin* p : served_) p->stopping();
    boost::asio::post(io_, [this] { stop_next(served_.size()); });
}

void Container::stop_next(std::size_t remaining) {
    if (remaining == 0) {
        auto done = std::move(stop_done_);
        if (done) done(clean_);
        return;
    }
    Plugin* plugin = served_[remaining - 1];
    const std::string name(plugin->name());

    // Whichever comes first, the plugin's done() or the grace timer, moves on to the next one.
    struct Race {
        explicit Race(boost::asio::io_context& io) : timer(io) {}
        bool finished = false;
        boost::asio::steady_timer timer;
    };
    auto race = std::make_shared<Race>(io_);
    const Deadline deadline =
        std::chrono::steady_clock::now() +
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(grace_period_);
    race->timer.expires_at(deadline);
    race->timer.async_wait([this, race, name, remaining](boost::system::error_code ec) {
        if (ec || race->finished) return;
        race->finished = true;
        clean_ = false;
        logging_.get(name)->error("stop did not finish within the grace period ({}s)",
                                  std::chrono::duration<double>(grace_period_).count());
        stop_next(remaining - 1);
    });

    log_->debug("stopping plugin {}", name);
    auto on_done = [this, race, name, remaining](boost::system::error_code ec) {
        if (race->finished) return;  // too late: already abandoned
        race->finished = true;
        race->timer.cancel();
        if (ec) {
            clean_ = false;
            logging_.get(name)->error("stop failed: {}", ec.message());
        }
        // Posted, so a plugin that completes inside stop() does not recurse into the next.
        boost::asio::post(io_, [this, remaining] { stop_next(remaining - 1); });
    };
    try {
        plugin->stop(deadline, on_done);
    } catch (const std::exception& e) {
        // The contract says stop() does not throw; treat it as a failed stop, not a crash.
        logging_.get(name)->error("stop threw: {}", e.what());
        on_done(boost::system::errc::make_error_code(boost::system::errc::io_error));
    }
}

}  // namespace rr::app
