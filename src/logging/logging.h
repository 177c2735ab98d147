#pragma once
// The process's loggers, built once at start-up from the `logs` section (docs/logging.md).
//
// Each plugin asks for a named logger (`http`, `server`, `rpc`, ...). A `logs.channels.<name>`
// entry overrides level/mode/encoding/output/line ending for that name; every other name uses
// the root settings. Outputs (stderr, stdout, a file path, the rotating file of
// `file_logger_options`) are opened once and shared by every logger that writes to them, so lines
// from different loggers never interleave within a line.
//
// Thread safety: get() and flush() are safe from any thread; the returned loggers are
// synchronous spdlog loggers, safe from any thread.
// Errors: the constructor throws std::runtime_error naming the output when a file cannot be
// opened (start-up code; main turns it into one line on stderr and exit code 1).

#include <spdlog/logger.h>
#include <spdlog/sinks/sink.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logging/batching_sink.h"
#include "logging/encoder.h"
#include "logging/fields.h"

namespace rr::logging {

/// `logs.file_logger_options`: when present, the channel writes JSON to this rotating file
/// instead of `output` (upstream behaviour); rotation as RotatingFile (rotating_file.h).
struct FileRotation {
    std::string path;  ///< empty: <temp dir>/rr.log
    std::size_t max_size_mb = 100;
    std::size_t max_backups = 10;  ///< 0 = keep all
    std::size_t max_age_days = 0;  ///< 0 = no age limit
    bool compress = false;         ///< gzip rotated files
};

/// Fully resolved settings of one channel.
struct ChannelSettings {
    Mode mode = Mode::kDevelopment;
    spdlog::level::level_enum level = spdlog::level::debug;
    std::optional<Encoding> encoding;              ///< unset: the mode's default
    std::string line_ending = "\n";                ///< empty is coerced to "\n"
    std::vector<std::string> output = {"stderr"};  ///< "stderr", "stdout" or file paths
    /// Where the logger's own failures go (a write or rotation that failed): "stderr",
    /// "stdout" or file paths.
    std::vector<std::string> err_output = {"stderr"};
    std::optional<FileRotation> file;
};

/// A `logs.channels.<name>` entry: only the keys it sets replace the root settings.
struct ChannelOverride {
    std::optional<Mode> mode;
    std::optional<spdlog::level::level_enum> level;
    std::optional<Encoding> encoding;
    std::optional<std::string> line_ending;
    std::optional<std::vector<std::string>> output;
    std::optional<std::vector<std::string>> err_output;
    std::optional<FileRotation> file;
};

struct LoggingOptions {
    ChannelSettings root;
    std::map<std::string, ChannelOverride, std::less<>> channels;
};

/// root with the override's set keys applied.
ChannelSettings resolve(const ChannelSettings& root, const ChannelOverride& override_);

class Logging {
public:
    explicit Logging(const LoggingOptions& options);
    ~Logging();
    Logging(const Logging&) = delete;
    Logging& operator=(const Logging&) = delete;

    /// The logger named `name` (created on first use, then cached). Never null.
    std::shared_ptr<spdlog::logger> get(std::string_view name);

    /// Flushes every output (called before exit), lines held for the loop's turn included.
    void flush();

    /// While the event loop runs, outputs hold the lines of one turn and write them together
    /// (see batching_sink.h); `schedule` posts a callable to the loop. Empty: write through
    /// again (what was held is written first). Call with an empty schedule before the loop
    /// goes away.
    void batch_until_idle(std::function<void(std::function<void()>)> schedule);

    /// Loggers that discard everything (tests, commands that run before config is loaded).
    static std::unique_ptr<Logging> discard();

    /// Waits until every rotating file's background clean-up is idle (tests).
    void wait_idle();

    /// Where a channel's logger failures are written (`err_output`).
    class ErrorOutput;

private:
    struct Channel {
        ChannelSettings settings;
        std::shared_ptr<spdlog::sinks::sink> sink;  // encodes, then writes to the outputs
        std::shared_ptr<ErrorOutput> errors;
    };

    void make_channel(Channel& channel);
    std::shared_ptr<spdlog::sinks::sink> make_channel_sink(
        const ChannelSettings& settings, const std::shared_ptr<ErrorOutput>& errors);
    std::shared_ptr<spdlog::sinks::sink> open_output(const std::string& key,
                                                     const FileRotation* rotation,
                                                     const std::shared_ptr<ErrorOutput>& errors);

    std::mutex mutex_;
    Channel root_;
    std::map<std::string, Channel, std::less<>> channels_;
    std::map<std::string, std::shared_ptr<BatchingSink>> outputs_;  // by output key
    std::function<void(std::function<void()>)> schedule_;           // batch_until_idle
    std::vector<std::function<void()>> idle_waiters_;               // rotating files' wait_idle
    std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers_;
};

}  // namespace rr::logging
