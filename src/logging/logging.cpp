#include "logging/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

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

bool is_terminal_output(const std::string& output) {
    if (output == "stderr") return ::isatty(STDERR_FILENO) == 1;
    if (output == "stdout") return ::isatty(STDOUT_FILENO) == 1;
    return false;
}

}  // namespace

std::span<const Field> detail::current_fields() noexcept { return tls_fields; }

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
    if (o.file) s.file = *o.file;
    return s;
}

Logging::Logging(const LoggingOptions& options) {
    root_.settings = options.root;
    root_.sink = make_channel_sink(root_.settings);
    for (const auto& [name, override_] : options.channels) {
        Channel ch;
        ch.settings = resolve(options.root, override_);
        ch.sink = make_channel_sink(ch.settings);
        channels_.emplace(name, std::move(ch));
    }
}

Logging::~Logging() { flush(); }

std::unique_ptr<Logging> Logging::discard() {
    LoggingOptions options;
    options.root.mode = Mode::kOff;
    return std::make_unique<Logging>(options);
}

std::shared_ptr<spdlog::sinks::sink> Logging::make_channel_sink(const ChannelSettings& settings) {
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
        outputs.push_back(open_output(rotation.path, &rotation));
    } else {
        bool all_terminals = !settings.output.empty();
        for (const std::string& out : settings.output) {
            outputs.push_back(open_output(out, nullptr));
            all_terminals = all_terminals && is_terminal_output(out);
        }
        enc.color = settings.mode == Mode::kDevelopment && enc.encoding == Encoding::kConsole &&
                    all_terminals;
    }
    return std::make_shared<EncodedSink>(std::move(enc), std::move(outputs));
}

std::shared_ptr<spdlog::sinks::sink> Logging::open_output(const std::string& name,
                                                          const FileRotation* rotation) {
    const std::string key = rotation ? "rotate:" + name : name;
    if (auto it = outputs_.find(key); it != outputs_.end()) return it->second;

    std::shared_ptr<spdlog::sinks::sink> sink;
    try {
        if (rotation) {
            const std::size_t max_bytes = std::max<std::size_t>(rotation->max_size_mb, 1) << 20;
            sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                name, max_bytes, rotation->max_backups);
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
    outputs_.emplace(key, sink);
    return sink;
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
    loggers_.emplace(std::string(name), logger);
    return logger;
}

void Logging::flush() {
    std::lock_guard lock(mutex_);
    for (auto& [key, sink] : outputs_) sink->flush();
}

}  // namespace rr::logging
