#pragma once
// The `reload` plugin (BEHAVIOUR.md §1.13; upstream's roadrunner-server/reload, dev mode): it
// watches the configured directories with inotify (watcher.h) and, once no file has changed for
// `reload.interval`, resets each plugin whose files changed through the same Resettable
// capability `rr reset` uses (the pool's rolling reset).
//
// A reset of a plugin that is already being reset is queued and runs once when that one ends
// (the files may have changed after it started). A failed reset is logged, not fatal (upstream
// stops the server; a broken file in development should not). Every reset is logged at info
// with the file that triggered it and how long it took.
//
// Thread safety: main io_context thread only (plugin contract).

#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <map>
#include <memory>

#include "plugins/api/capabilities.h"
#include "plugins/api/plugin.h"
#include "plugins/reload/config.h"
#include "plugins/reload/watcher.h"

namespace rr::plugins {

class ReloadPlugin final : public Plugin {
public:
    static constexpr std::string_view kName = "reload";

    ReloadPlugin();
    ~ReloadPlugin() override;

    std::string_view name() const noexcept override { return kName; }
    /// Disabled without a `reload` section. Throws ConfigError.
    InitStatus init(InitContext& ctx) override;
    /// Adds the watches; inotify itself failing is a fatal start error.
    void serve(ServeContext& ctx) override;
    void stop(Deadline deadline, StopDone done) override;

private:
    struct Pending {
        std::filesystem::path first;  ///< the change that started this round
        std::size_t changes = 0;
    };
    void on_change(const std::string& service, const std::filesystem::path& path);
    void fire();
    void reset(const std::string& service, const Pending& why);

    boost::asio::io_context* io_ = nullptr;  // not owned; the main io_context
    std::shared_ptr<spdlog::logger> log_;
    ReloadConfig config_;
    const Registry* registry_ = nullptr;  // the container; valid from serve() until the end
    std::unique_ptr<FileWatcher> watcher_;
    std::unique_ptr<boost::asio::steady_timer> timer_;
    std::map<std::string, Pending> pending_;  ///< changed since the last quiet interval
    std::map<std::string, bool> running_;     ///< a reset in flight
    std::map<std::string, Pending> again_;    ///< changes seen while it was in flight
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace rr::plugins
