#include "plugins/reload/watcher.h"

#include <fmt/format.h>
#include <spdlog/logger.h>
#include <sys/inotify.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rr::plugins {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

/// Everything that can change what PHP would load from a directory, plus the events that
/// tell us the directory itself went away.
constexpr std::uint32_t kMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB |
                                IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                                IN_EXCL_UNLINK | IN_ONLYDIR;

/// `p` is `root` or below it (both absolute and normal).
bool under(const fs::path& p, const fs::path& root) {
    auto r = root.begin();
    auto q = p.begin();
    for (; r != root.end(); ++r, ++q) {
        if (q == p.end() || *r != *q) {
            // A trailing empty element ("dir/") matches anything.
            return r->empty() && std::next(r) == root.end();
        }
    }
    return true;
}

bool name_matches(const std::vector<std::string>& patterns, std::string_view name) {
    if (patterns.empty()) return true;  // no pattern at all: every file
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
        return name.find(p) != std::string_view::npos;
    });
}

}  // namespace

FileWatcher::FileWatcher(asio::io_context& io, std::vector<WatchSpec> specs, OnChange on_change,
                         std::shared_ptr<spdlog::logger> log)
    : io_(io),
      specs_(std::move(specs)),
      on_change_(std::move(on_change)),
      log_(std::move(log)),
      alive_(std::make_shared<bool>(true)) {}

FileWatcher::~FileWatcher() {
    stop();
}

int FileWatcher::native_handle() const noexcept {
    return fd_ ? fd_->native_handle() : -1;
}

boost::system::error_code FileWatcher::start(std::vector<std::string>& warnings) {
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return {errno, boost::system::system_category()};
    fd_ = std::make_unique<asio::posix::stream_descriptor>(io_, fd);
    for (std::size_t i = 0; i < specs_.size(); ++i) {
        for (const fs::path& dir : specs_[i].dirs) {
            std::error_code ec;
            const auto st = fs::status(dir, ec);
            if (ec || !fs::exists(st)) {
                warnings.push_back(fmt::format("reload.services.{}: {} does not exist; not watched",
                                               specs_[i].service, dir.string()));
            } else if (fs::is_directory(st)) {
                add_tree(dir, Target{i, {}, specs_[i].recursive}, false, &warnings);
            } else {
                // A file: its directory is watched, and only events for that name count (an
                // editor that saves by rename replaces the inode, so the file itself would be a
                // watch that dies on the first save).
                add_watch(dir.parent_path(), Target{i, dir.filename().string(), false}, &warnings);
            }
        }
    }
    buffer_.resize(64 * 1024);
    read_loop();
    return {};
}

void FileWatcher::stop() {
    *alive_ = false;
    if (fd_) {
        boost::system::error_code ignored;
        fd_->close(ignored);  // the kernel drops every watch with the descriptor
        fd_.reset();
    }
    watches_.clear();
}

bool FileWatcher::add_watch(const fs::path& path, const Target& target,
                            std::vector<std::string>* warnings) {
    const int wd = ::inotify_add_watch(fd_->native_handle(), path.c_str(), kMask);
    if (wd < 0) {
        std::string text;
        if (errno == ENOSPC) {
            if (limit_warned_) return false;
            limit_warned_ = true;
            text = fmt::format(
                "reload: cannot watch {}: the limit of inotify watches is reached (raise "
                "fs.inotify.max_user_watches); changes below it are not seen",
                path.string());
        } else {
            text = fmt::format("reload: cannot watch {}: {}", path.string(), std::strerror(errno));
        }
        if (warnings != nullptr) {
            warnings->push_back(std::move(text));
        } else {
            log_->warn("{}", text);
        }
        return false;
    }
    // One inode, one watch descriptor: a directory two services watch has two targets.
    Watch& w = watches_[wd];
    w.path = path;
    const bool known = std::any_of(w.targets.begin(), w.targets.end(), [&](const Target& t) {
        return t.spec == target.spec && t.only_name == target.only_name;
    });
    if (!known) w.targets.push_back(target);
    return true;
}

void FileWatcher::add_tree(const fs::path& dir, const Target& target, bool scan,
                           std::vector<std::string>* warnings) {
    const WatchSpec& spec = specs_[target.spec];
    if (ignored(spec, dir)) return;
    add_watch(dir, target, warnings);
    std::error_code ec;
    bool reported = false;
    for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_symlink(type_ec)) continue;  // as upstream's walk: links are not followed
        if (it->is_directory(type_ec)) {
            if (target.recursive) add_tree(it->path(), target, scan, warnings);
        } else if (scan && !reported && !ignored(spec, it->path()) &&
                   name_matches(spec.patterns, it->path().filename().string())) {
            // A directory that appeared (mkdir -p + write, git checkout, unzip) may hold files
            // written before its watch existed.
            reported = true;
            on_change_(spec.service, it->path());
        }
    }
}

void FileWatcher::remove_tree(const fs::path& dir) {
    for (auto it = watches_.begin(); it != watches_.end();) {
        if (under(it->second.path, dir)) {
            ::inotify_rm_watch(fd_->native_handle(), it->first);  // IN_IGNORED follows
            it = watches_.erase(it);
        } else {
            ++it;
        }
    }
}

bool FileWatcher::ignored(const WatchSpec& spec, const fs::path& path) const {
    return std::any_of(spec.ignore.begin(), spec.ignore.end(),
                       [&](const fs::path& ig) { return under(path, ig); });
}

void FileWatcher::read_loop() {
    fd_->async_read_some(
        asio::buffer(buffer_), [this, alive = alive_](boost::system::error_code ec, std::size_t n) {
            if (!*alive) return;
            if (ec) {
                if (ec != asio::error::operation_aborted) {
                    log_->error("reload: reading file events failed: {}; no longer watching",
                                ec.message());
                }
                return;
            }
            std::size_t off = 0;
            while (off + sizeof(inotify_event) <= n) {
                inotify_event ev;
                std::memcpy(&ev, buffer_.data() + off, sizeof ev);
                const char* name_start = buffer_.data() + off + sizeof(inotify_event);
                const std::string name(name_start, ::strnlen(name_start, ev.len));
                off += sizeof(inotify_event) + ev.len;
                handle(ev.wd, ev.mask, name);
                if (!*alive) return;  // the callback stopped us
            }
            read_loop();
        });
}

void FileWatcher::handle(int wd, std::uint32_t mask, const std::string& name) {
    if ((mask & IN_Q_OVERFLOW) != 0) {
        log_->warn("reload: the kernel dropped file events (queue overflow); resetting all");
        for (const auto& spec : specs_) on_change_(spec.service, {});
        return;
    }
    const auto it = watches_.find(wd);
    if (it == watches_.end()) return;
    if ((mask & IN_IGNORED) != 0) {  // the kernel removed the watch (directory deleted)
        watches_.erase(it);
        return;
    }
    // Copies: add_tree/remove_tree below change watches_.
    const fs::path dir = it->second.path;
    const std::vector<Target> targets = it->second.targets;
    if ((mask & (IN_DELETE_SELF | IN_MOVE_SELF)) != 0) {
        for (const auto& t : targets) {
            const auto& dirs = specs_[t.spec].dirs;
            if (std::find(dirs.begin(), dirs.end(), dir) != dirs.end()) {
                log_->warn("reload: {} was removed or moved; it is no longer watched",
                           dir.string());
            }
        }
        if ((mask & IN_MOVE_SELF) != 0) {  // a moved directory keeps its watch: drop it
            ::inotify_rm_watch(fd_->native_handle(), wd);
            watches_.erase(wd);
        }
        return;
    }
    const bool is_dir = (mask & IN_ISDIR) != 0;
    const fs::path path = name.empty() ? dir : dir / name;
    for (const Target& t : targets) {
        const WatchSpec& spec = specs_[t.spec];
        if (!t.only_name.empty() && name != t.only_name) continue;
        if (ignored(spec, path)) continue;
        if (is_dir) {
            if (!t.recursive) continue;
            if ((mask & (IN_CREATE | IN_MOVED_TO)) != 0) {
                add_tree(path, t, /*scan=*/true, nullptr);
            } else if ((mask & (IN_DELETE | IN_MOVED_FROM)) != 0) {
                if ((mask & IN_MOVED_FROM) != 0) remove_tree(path);
                on_change_(spec.service, path);  // its files went with it
            }
            continue;
        }
        if (t.only_name.empty() && !name_matches(spec.patterns, name)) continue;
        on_change_(spec.service, path);
    }
}

}  // namespace rr::plugins
