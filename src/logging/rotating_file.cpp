#include "logging/rotating_file.h"

#include <fmt/format.h>
#include <spdlog/common.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <optional>

namespace rr::logging {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kGz = ".gz";

/// "2006-01-02T15-04-05.000" in UTC.
std::string format_time(RotatingFile::Clock::time_point t) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    const long millis = static_cast<long>(ms - static_cast<long long>(secs) * 1000);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}-{:02}-{:02}.{:03}", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

/// The inverse of format_time; nullopt for anything else.
std::optional<RotatingFile::Clock::time_point> parse_time(std::string_view s) {
    if (s.size() != 23) return std::nullopt;
    int v[7] = {};
    const int widths[7] = {4, 2, 2, 2, 2, 2, 3};
    const char seps[6] = {'-', '-', 'T', '-', '-', '.'};
    std::size_t pos = 0;
    for (int i = 0; i < 7; ++i) {
        for (int k = 0; k < widths[i]; ++k, ++pos) {
            if (s[pos] < '0' || s[pos] > '9') return std::nullopt;
            v[i] = v[i] * 10 + (s[pos] - '0');
        }
        if (i < 6) {
            if (s[pos] != seps[i]) return std::nullopt;
            ++pos;
        }
    }
    std::tm tm{};
    tm.tm_year = v[0] - 1900;
    tm.tm_mon = v[1] - 1;
    tm.tm_mday = v[2];
    tm.tm_hour = v[3];
    tm.tm_min = v[4];
    tm.tm_sec = v[5];
    const std::time_t secs = ::timegm(&tm);
    return RotatingFile::Clock::time_point(std::chrono::seconds(secs) +
                                           std::chrono::milliseconds(v[6]));
}

/// gzip `src` into `dst`; false (and `dst` removed) on any error.
bool gzip_file(const fs::path& src, const fs::path& dst, std::string& error) {
    std::ifstream in(src, std::ios::binary);
    if (!in) {
        error = "cannot open " + src.string();
        return false;
    }
    gzFile out = ::gzopen(dst.c_str(), "wb");
    if (out == nullptr) {
        error = "cannot create " + dst.string();
        return false;
    }
    char buf[64 * 1024];
    bool ok = true;
    while (ok && in) {
        in.read(buf, sizeof buf);
        const auto n = static_cast<unsigned>(in.gcount());
        if (n > 0 && ::gzwrite(out, buf, n) != static_cast<int>(n)) ok = false;
    }
    if (in.bad()) ok = false;
    if (::gzclose(out) != Z_OK) ok = false;
    if (!ok) {
        error = "cannot compress " + src.string() + " into " + dst.string();
        std::error_code ec;
        fs::remove(dst, ec);
    }
    return ok;
}

}  // namespace

RotatingFile::RotatingFile(RotationSettings settings, ErrorHandler on_error,
                           std::function<Clock::time_point()> now)
    : settings_(std::move(settings)),
      max_bytes_((settings_.max_size_mb == 0 ? 100 : settings_.max_size_mb) << 20),
      on_error_(std::move(on_error)),
      now_(std::move(now)) {
    std::error_code ec;
    const fs::path parent = fs::path(settings_.path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    open();
    if (file_ == nullptr) {
        throw std::runtime_error(fmt::format("{}: {}", settings_.path, std::strerror(errno)));
    }
    mill_ = std::thread([this] { mill_loop(); });
    request_mill();  // backups left by an earlier run may be due for clean-up
}

RotatingFile::~RotatingFile() {
    {
        std::lock_guard lock(mill_mu_);
        stopping_ = true;
    }
    mill_cv_.notify_all();
    if (mill_.joinable()) mill_.join();
    if (file_ != nullptr) std::fclose(file_);
}

void RotatingFile::open() {
    file_ = std::fopen(settings_.path.c_str(), "ae");
    if (file_ == nullptr) return;
    std::error_code ec;
    const auto size = fs::file_size(settings_.path, ec);
    size_ = ec ? 0 : static_cast<std::size_t>(size);
}

void RotatingFile::write(std::string_view data) {
    if (file_ == nullptr || (size_ > 0 && size_ + data.size() > max_bytes_)) rotate();
    if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
        throw spdlog::spdlog_ex("write to " + settings_.path + " failed", errno);
    }
    size_ += data.size();
}

void RotatingFile::flush() {
    if (file_ != nullptr && std::fflush(file_) != 0) {
        throw spdlog::spdlog_ex("write to " + settings_.path + " failed", errno);
    }
}

fs::path RotatingFile::backup_name(const fs::path& file, Clock::time_point t) {
    return file.parent_path() /
           (file.stem().string() + "-" + format_time(t) + file.extension().string());
}

void RotatingFile::rotate() {
    if (file_ != nullptr) {
        std::fclose(file_);
        file_ = nullptr;
        const fs::path backup = backup_name(settings_.path, now_());
        if (std::rename(settings_.path.c_str(), backup.c_str()) != 0 && errno != ENOENT) {
            const int err = errno;
            open();  // keep writing to the old file rather than nowhere
            throw spdlog::spdlog_ex("cannot rotate " + settings_.path + " to " + backup.string(),
                                    err);
        }
    }
    open();
    if (file_ == nullptr) {
        throw spdlog::spdlog_ex("cannot open " + settings_.path, errno);
    }
    request_mill();
}

void RotatingFile::request_mill() {
    {
        std::lock_guard lock(mill_mu_);
        mill_pending_ = true;
    }
    mill_cv_.notify_all();
}

void RotatingFile::wait_idle() {
    std::unique_lock lock(mill_mu_);
    mill_cv_.wait(lock, [&] { return !mill_pending_ && !mill_busy_; });
}

void RotatingFile::mill_loop() {
    std::unique_lock lock(mill_mu_);
    for (;;) {
        mill_cv_.wait(lock, [&] { return mill_pending_ || stopping_; });
        if (stopping_) return;
        mill_pending_ = false;
        mill_busy_ = true;
        lock.unlock();
        try {
            mill_once();
        } catch (const std::exception& e) {
            if (on_error_) on_error_(e.what());
        }
        lock.lock();
        mill_busy_ = false;
        mill_cv_.notify_all();
    }
}

void RotatingFile::mill_once() {
    if (settings_.max_backups == 0 && settings_.max_age_days == 0 && !settings_.compress) return;
    const fs::path file(settings_.path);
    const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    const std::string prefix = file.stem().string() + "-";
    const std::string ext = file.extension().string();

    struct Backup {
        fs::path path;
        Clock::time_point time;
        bool compressed = false;
    };
    std::vector<Backup> backups;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file(ec)) continue;
        std::string name = entry.path().filename().string();
        bool compressed = false;
        if (name.size() > kGz.size() && name.ends_with(kGz)) {
            compressed = true;
            name.resize(name.size() - kGz.size());
        }
        if (!name.starts_with(prefix) || !name.ends_with(ext) ||
            name.size() <= prefix.size() + ext.size()) {
            continue;
        }
        const auto t = parse_time(
            std::string_view(name).substr(prefix.size(), name.size() - prefix.size() - ext.size()));
        if (!t) continue;
        backups.push_back({entry.path(), *t, compressed});
    }
    // Newest first; a backup and its .gz (a compression cut short) count as one.
    std::sort(backups.begin(), backups.end(), [](const Backup& a, const Backup& b) {
        return a.time != b.time ? a.time > b.time : a.compressed < b.compressed;
    });

    std::vector<Backup> keep;
    std::vector<fs::path> remove;
    const auto cutoff = now_() - std::chrono::hours(24) * static_cast<long>(settings_.max_age_days);
    std::size_t distinct = 0;
    std::optional<Clock::time_point> last_time;
    for (const Backup& b : backups) {
        if (!last_time || *last_time != b.time) {
            ++distinct;
            last_time = b.time;
        }
        const bool too_many = settings_.max_backups > 0 && distinct > settings_.max_backups;
        const bool too_old = settings_.max_age_days > 0 && b.time < cutoff;
        if (too_many || too_old) {
            remove.push_back(b.path);
        } else {
            keep.push_back(b);
        }
    }
    for (const fs::path& p : remove) {
        if (!fs::remove(p, ec) && ec && on_error_) {
            on_error_("cannot remove old log file " + p.string() + ": " + ec.message());
        }
    }
    if (!settings_.compress) return;
    for (const Backup& b : keep) {
        if (b.compressed) continue;
        fs::path gz = b.path;
        gz += kGz;
        std::string error;
        if (!gzip_file(b.path, gz, error)) {
            if (on_error_) on_error_(error);
            continue;
        }
        if (!fs::remove(b.path, ec) && ec && on_error_) {
            on_error_("cannot remove " + b.path.string() +
                      " after compressing it: " + ec.message());
        }
    }
}

}  // namespace rr::logging
