#include "logging/logging.h"

#include <fmt/chrono.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "logging/rotating_file.h"

namespace rr::logging {
namespace {

thread_local std::span<const Field> tls_fields;

/// Writes the already-encoded payload as is: outputs are shared by channels with different
/// encodings, so the encoding happens before the record reaches them.
class PassThroughFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        dest.append(msg.payload.data(), msg.payload.data() + msg.payload.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<PassThroughFormatter>();
    }
};

/// Encodes a record once (with the fields of the call in progress) and hands the bytes to each
/// output. Stateless apart from its configuration, so one instance serves every logger of a
/// channel; the outputs do their own locking.
class EncodedSink final : public spdlog::sinks::sink {
public:
    EncodedSink(EncoderOptions options, std::vector<std::shared_ptr<spdlog::sinks::sink>> outputs)
        : options_(std::move(options)), outputs_(std::move(outputs)) {}

    void log(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t buf;
        encode(options_, msg, tls_fields, buf);
        spdlog::details::log_msg encoded = msg;
        encoded.payload = spdlog::string_view_t(buf.data(), buf.size());
        for (const auto& out : outputs_) out->log(encoded);
    }
    void flush() override {
        for (const auto& out : outputs_) out->flush();
    }
    void set_pattern(const std::string&) override {}
    void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

private:
    const EncoderOptions options_;
    const std::vector<std::shared_ptr<spdlog::sinks::sink>> outputs_;
};

/// The file of `file_logger_options` (RotatingFile) as an output.
class RotatingSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    RotatingSink(RotationSettings settings, RotatingFile::ErrorHandler on_error)
        : file_(std::move(settings), std::move(on_error)) {}
    void wait_idle() { file_.wait_idle(); }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        file_.write(std::string_view(msg.payload.data(), msg.payload.size()));
    }
    void flush_() override { file_.flush(); }

private:
    RotatingFile file_;
};

bool is_terminal_output(const std::string& output) {
    if (output == "stderr") return ::isatty(STDERR_FILENO) == 1;
    if (output == "stdout") return ::isatty(STDOUT_FILENO) == 1;
    return false;
}

}  // namespace

/// `err_output`: where a logger's own failures go, one line each:
///   2026-12-03T10:36:01.099Z logger http: write to /var/log/rr.log failed: No space left ...
class Logging::ErrorOutput {
public:
    /// Throws std::runtime_error naming a file that cannot be opened.
    explicit ErrorOutput(const std::vector<std::string>& outputs) {
        for (const std::string& o : outputs) {
            if (o == "stderr") {
                files_.push_back({stderr, false});
            } else if (o == "stdout") {
                files_.push_back({stdout, false});
            } else {
                std::error_code ec;
                const auto parent = std::filesystem::path(o).parent_path();
                if (!parent.empty()) std::filesystem::create_directories(parent, ec);
                std::FILE* f = std::fopen(o.c_str(), "ae");
                if (f == nullptr) {
                    throw std::runtime_error("logs: cannot open err_output \"" + o +
                                             "\": " + std::strerror(errno));
                }
                files_.push_back({f, true});
            }
        }
    }
    ~ErrorOutput() {
        for (const auto& [f, owned] : files_) {
            if (owned) std::fclose(f);
        }
    }
    ErrorOutput(const ErrorOutput&) = delete;
    ErrorOutput& operator=(const ErrorOutput&) = delete;

    void report(std::string_view logger, std::string_view message) noexcept {
        try {
            const auto now = std::chrono::system_clock::now();
            const std::string line = fmt::format(
                "{:%Y-%m-%dT%H:%M:%S}Z logger {}: {}\n",
                std::chrono::time_point_cast<std::chrono::milliseconds>(now), logger, message);
            std::lock_guard lock(mu_);
            for (const auto& [f, owned] : files_) {
                std::fwrite(line.data(), 1, line.size(), f);
                std::fflush(f);
            }
        } catch (...) {
            // Nowhere left to report to.
        }
    }

private:
    std::mutex mu_;
    std::vector<std::pair<std::FILE*, bool>> files_;  // (file, opened by us)
};

std::span<const Field> detail::current_fields() noexcept {
    return tls_fields;
}

void log(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view msg,
         std::initializer_list<Field> fields) {
    if (!logger.should_log(level)) return;
    const std::span<const Field> previous = tls_fields;
    tls_fields = std::span<const Field>(fields.begin(), fields.size());
    logger.log(level, spdlog::string_view_t(msg.data(), msg.size()));
    tls_fields = previous;
}

ChannelSettings resolve(const ChannelSettings& root, const ChannelOverride& o) {
    ChannelSettings s = root;
    if (o.mode) {
        s.mode = *o.mode;
        // A channel that picks another mode gets that mode's encoding unless it sets its own.
        if (!o.encoding) s.encoding.reset();
    }
    if (o.level) s.level = *o.level;
    if (o.encoding) s.encoding = *o.encoding;
    if (o.line_ending) s.line_ending = *o.line_ending;
    if (o.output) s.output = *o.output;
    if (o.err_output) s.err_output = *o.err_output;
    if (o.file) s.file = *o.file;
    return s;
}

Logging::Logging(const LoggingOptions& options) {
    root_.settings = options.root;
    make_channel(root_);
    for (const auto& [name, override_] : options.channels) {
        Channel ch;
        ch.settings = resolve(options.root, override_);
        make_channel(ch);
        channels_.emplace(name, std::move(ch));
    }
}

void Logging::make_channel(Channel& channel) {
    if (channel.settings.err_output.empty()) channel.settings.err_output = {"stderr"};
    if (channel.settings.mode != Mode::kOff) {
        channel.errors = std::make_shared<ErrorOutput>(channel.settings.err_output);
    }
    channel.sink = make_channel_sink(channel.settings, channel.errors);
}

Logging::~Logging() {
    flush();
}

std::unique_ptr<Logging> Logging::discard() {
    LoggingOptions options;
    options.root.mode = Mode::kOff;
    return std::make_unique<Logging>(options);
}

std::shared_ptr<spdlog::sinks::sink> Logging::make_channel_sink(
    const ChannelSettings& settings, const std::shared_ptr<ErrorOutput>& errors) {
    if (settings.mode == Mode::kOff) return std::make_shared<spdlog::sinks::null_sink_mt>();

    EncoderOptions enc;
    enc.mode = settings.mode;
    enc.encoding = settings.encoding.value_or(default_encoding(settings.mode));
    enc.line_ending = settings.line_ending.empty() ? "\n" : settings.line_ending;

    std::vector<std::shared_ptr<spdlog::sinks::sink>> outputs;
    if (settings.file) {
        // Upstream: the rotating file replaces `output` and is always JSON.
        enc.encoding = Encoding::kJson;
        FileRotation rotation = *settings.file;
        if (rotation.path.empty()) {
            rotation.path = (std::filesystem::temp_directory_path() / "rr.log").string();
        }
        outputs.push_back(open_output(rotation.path, &rotation, errors));
    } else {
        bool all_terminals = !settings.output.empty();
        for (const std::string& out : settings.output) {
            outputs.push_back(open_output(out, nullptr, errors));
            all_terminals = all_terminals && is_terminal_output(out);
        }
        enc.color = settings.mode == Mode::kDevelopment && enc.encoding == Encoding::kConsole &&
                    all_terminals;
    }
    return std::make_shared<EncodedSink>(std::move(enc), std::move(outputs));
}

std::shared_ptr<spdlog::sinks::sink> Logging::open_output(
    const std::string& name, const FileRotation* rotation,
    const std::shared_ptr<ErrorOutput>& errors) {
    const std::string key = rotation ? "rotate:" + name : name;
    if (auto it = outputs_.find(key); it != outputs_.end()) return it->second;

    std::shared_ptr<spdlog::sinks::sink> sink;
    try {
        if (rotation) {
            RotationSettings r;
            r.path = name;
            r.max_size_mb = rotation->max_size_mb;
            r.max_backups = rotation->max_backups;
            r.max_age_days = rotation->max_age_days;
            r.compress = rotation->compress;
            // Failures of the background clean-up go to the err_output of the channel that
            // opened the file first.
            auto rotating = std::make_shared<RotatingSink>(
                std::move(r), [errors, name](const std::string& message) {
                    if (errors) errors->report("rotation of " + name, message);
                });
            idle_waiters_.push_back([rotating] { rotating->wait_idle(); });
            sink = rotating;
        } else if (name == "stderr") {
            sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        } else if (name == "stdout") {
            sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
        } else {
            sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(name, false);
        }
    } catch (const std::exception& e) {
        throw std::runtime_error("logs: cannot open log output \"" + name + "\": " + e.what());
    }
    sink->set_formatter(std::make_unique<PassThroughFormatter>());
    auto batching = std::make_shared<BatchingSink>(std::move(sink));
    if (schedule_) batching->set_schedule(schedule_);
    outputs_.emplace(key, batching);
    return batching;
}

std::shared_ptr<spdlog::logger> Logging::get(std::string_view name) {
    std::lock_guard lock(mutex_);
    if (auto it = loggers_.find(name); it != loggers_.end()) return it->second;

    const Channel* channel = &root_;
    if (auto it = channels_.find(name); it != channels_.end()) channel = &it->second;
    auto logger = std::make_shared<spdlog::logger>(std::string(name), channel->sink);
    logger->set_level(channel->settings.mode == Mode::kOff ? spdlog::level::off
                                                           : channel->settings.level);
    // Every record reaches its output at once (one write per line, like upstream's unbuffered
    // zap outputs), so a crash or a forced exit loses nothing and tailing a file works.
    logger->flush_on(spdlog::level::trace);
    if (channel->errors) {
        logger->set_error_handler([errors = channel->errors, n = std::string(name)](
                                      const std::string& message) { errors->report(n, message); });
    }
    loggers_.emplace(std::string(name), logger);
    return logger;
}

void Logging::wait_idle() {
    std::vector<std::function<void()>> waiters;
    {
        std::lock_guard lock(mutex_);
        waiters = idle_waiters_;
    }
    for (auto& w : waiters) w();
}

void Logging::flush() {
    std::lock_guard lock(mutex_);
    for (auto& [key, sink] : outputs_) sink->drain();
}

void Logging::batch_until_idle(std::function<void(std::function<void()>)> schedule) {
    std::lock_guard lock(mutex_);
    schedule_ = std::move(schedule);
    for (auto& [key, sink] : outputs_) sink->set_schedule(schedule_);
}

}  // namespace rr::logging
