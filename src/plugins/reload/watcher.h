#pragma once
// FileWatcher: inotify-based change detection for the reload plugin. No polling and no
// reading of file contents: the kernel reports creates, writes, attribute changes (touch),
// deletes and renames in the watched directories.
//
// What counts as a change for a service: an event on a file whose name contains one of the
// service's patterns (upstream's rule), that is not under one of its ignored paths. A directory
// created or moved into a recursive tree is watched at once and scanned, so files written into
// it before its watch existed are not missed; a directory deleted or moved away counts as a
// change (its files went with it) and its watches are dropped. A kernel queue overflow counts
// as a change for every service.
//
// Watches never leak: the kernel drops the watch of a deleted directory (IN_IGNORED, after
// which the bookkeeping entry goes too), a directory moved away is unwatched explicitly, and
// stop() (or the destructor) closes the inotify descriptor, which drops them all.
//
// Thread safety: io_context thread only (callbacks run there).

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

namespace rr::plugins {

struct WatchSpec {
    std::string service;                      ///< the plugin to reset
    std::vector<std::filesystem::path> dirs;  ///< absolute; a file path watches that file
    bool recursive = false;
    std::vector<std::string> patterns;          ///< substrings of file names
    std::vector<std::filesystem::path> ignore;  ///< absolute; the path and everything under it
};

class FileWatcher {
public:
    /// `on_change(service, path)` for every change; the reload plugin debounces.
    using OnChange = std::function<void(const std::string& service, const std::filesystem::path&)>;

    FileWatcher(boost::asio::io_context& io, std::vector<WatchSpec> specs, OnChange on_change,
                std::shared_ptr<spdlog::logger> log);
    ~FileWatcher();
    FileWatcher(const FileWatcher&) = delete;
    FileWatcher& operator=(const FileWatcher&) = delete;

    /// Creates the inotify instance, adds every watch and starts reading. A missing directory
    /// or a watch the kernel refuses (fs.inotify.max_user_watches) is a warning in `warnings`,
    /// not an error. Errors: inotify_init1's errno (EMFILE: fs.inotify.max_user_instances).
    boost::system::error_code start(std::vector<std::string>& warnings);

    /// Stops reading and drops every watch. Idempotent.
    void stop();

    /// Directories (or files) currently watched, as the kernel sees them (tests).
    std::size_t watch_count() const noexcept { return watches_.size(); }
    /// The inotify descriptor (tests: /proc/self/fdinfo lists the kernel's watches); -1 when
    /// stopped.
    int native_handle() const noexcept;

private:
    struct Target {
        std::size_t spec;       ///< index into specs_
        std::string only_name;  ///< a watched file: only events for this name count
        bool recursive;         ///< subdirectories are watched too
    };
    struct Watch {
        std::filesystem::path path;
        std::vector<Target> targets;
    };

    /// Watches `dir` for `target` (and its subdirectories when recursive). With `scan`, a
    /// matching file already inside counts as a change (a directory that appeared after its
    /// parent was watched). `warnings` null: problems are logged.
    void add_tree(const std::filesystem::path& dir, const Target& target, bool scan,
                  std::vector<std::string>* warnings);
    bool add_watch(const std::filesystem::path& path, const Target& target,
                   std::vector<std::string>* warnings);
    /// Removes the watches of `dir` and everything below it.
    void remove_tree(const std::filesystem::path& dir);
    void read_loop();
    void handle(int wd, std::uint32_t mask, const std::string& name);
    bool ignored(const WatchSpec& spec, const std::filesystem::path& path) const;

    boost::asio::io_context& io_;
    std::vector<WatchSpec> specs_;
    OnChange on_change_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<boost::asio::posix::stream_descriptor> fd_;
    std::map<int, Watch> watches_;  ///< by watch descriptor
    std::vector<char> buffer_;
    bool limit_warned_ = false;
    std::shared_ptr<bool> alive_;  ///< false once stopped: late completions do nothing
};

}  // namespace rr::plugins
