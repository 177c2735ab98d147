#pragma once
// RotatingFile: the file of `logs.file_logger_options`, rotated the way RoadRunner's
// (lumberjack) is, so tools that collect its backups find the same names:
//
//   - the file is opened for append; a write that would take it past `max_size` MB first
//     renames it to `<name>-<UTC time>.<ext>` (time as 2006-01-02T15-04-05.000, e.g.
//     rr-2026-12-03T10-36-01.099.log) and starts a new file;
//   - then, and once at start, old backups are cleaned up in the background ("mill"):
//     with `compress` each one not yet compressed becomes `<backup>.gz` (gzip, the original is
//     removed once the .gz is complete); backups beyond the newest `max_backups` and backups
//     older than `max_age` days (by the time in their name) are removed. 0 keeps all.
//   - a single record larger than max_size is written anyway (into a fresh file) instead of
//     being refused as lumberjack does: a log line is never lost for its size.
//
// Errors: the constructor throws std::runtime_error when the file cannot be opened; write()
// throws spdlog::spdlog_ex when a write or rotation fails (the logger's error handler reports
// it to `err_output`). Background failures (compressing, removing) go to the same handler.
//
// Thread safety: write() and flush() are serialised by the caller (spdlog's sink mutex); the
// mill runs on its own thread and touches only backups, never the open file.

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace rr::logging {

struct RotationSettings {
    std::string path;
    std::size_t max_size_mb = 100;  ///< 0 = 100
    std::size_t max_backups = 0;    ///< 0 = keep every backup
    std::size_t max_age_days = 0;   ///< 0 = no age limit
    bool compress = false;
};

class RotatingFile {
public:
    using Clock = std::chrono::system_clock;
    using ErrorHandler = std::function<void(const std::string&)>;

    /// `now` is the clock for backup names and ages (tests pass a fake one).
    RotatingFile(RotationSettings settings, ErrorHandler on_error,
                 std::function<Clock::time_point()> now = Clock::now);
    ~RotatingFile();
    RotatingFile(const RotatingFile&) = delete;
    RotatingFile& operator=(const RotatingFile&) = delete;

    void write(std::string_view data);
    void flush();

    /// Blocks until the background clean-up has nothing left to do (tests).
    void wait_idle();

    /// The backup name for a rotation at `t`: <dir>/<stem>-<UTC time>.<ext>.
    static std::filesystem::path backup_name(const std::filesystem::path& file,
                                             Clock::time_point t);

private:
    void open();
    void rotate();
    void request_mill();
    void mill_loop();
    void mill_once();

    RotationSettings settings_;
    std::size_t max_bytes_;
    ErrorHandler on_error_;
    std::function<Clock::time_point()> now_;
    std::FILE* file_ = nullptr;
    std::size_t size_ = 0;

    std::mutex mill_mu_;
    std::condition_variable mill_cv_;
    bool mill_pending_ = false;
    bool mill_busy_ = false;
    bool stopping_ = false;
    std::thread mill_;
};

}  // namespace rr::logging
