#include "forms/form_parser.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <unordered_map>
#include <utility>

#include "forms/form_tree.h"
#include "forms/media_type.h"
#include "forms/urlencoded.h"

namespace rr::forms {

namespace {

// Small writes are gathered up to this size before write(2).
constexpr std::size_t kWriteBuffer = 64 * 1024;

// Writes all of `data`; returns false on an error. `written` counts the bytes that made it.
bool write_all(int fd, std::string_view data, std::size_t& written) {
    written = 0;
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        written += static_cast<std::size_t>(n);
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// File parts grouped by field name in order of first appearance (like FormValues).
struct FileGroups {
    std::vector<std::pair<std::string, std::vector<std::size_t>>> groups;
    std::unordered_map<std::string, std::size_t> index;

    void add(const std::string& name, std::size_t file) {
        auto [it, inserted] = index.emplace(name, groups.size());
        if (inserted) {
            groups.emplace_back(name, std::vector<std::size_t>{});
        }
        groups[it->second].second.push_back(file);
    }
};

// Turns multipart parts into field values and temp files.
class MultipartFormBuilder final : public MultipartSink {
public:
    MultipartFormBuilder(const FormSettings& settings, std::vector<UploadedFile>& files)
        : settings_(settings), files_(files) {}

    ~MultipartFormBuilder() override { close_file(); }
    MultipartFormBuilder(const MultipartFormBuilder&) = delete;
    MultipartFormBuilder& operator=(const MultipartFormBuilder&) = delete;

    boost::system::error_code on_part_begin(const PartHeaders& headers) override {
        mode_ = Mode::kSkip;
        auto disposition = parse_media_type(headers.content_disposition);
        if (!disposition || disposition.value().type != "form-data") {
            return {};  // Go: no form name, the part is skipped
        }
        const std::string* name = disposition.value().param("name");
        if (name == nullptr || name->empty()) {
            return {};
        }
        name_ = *name;
        const std::string* filename = disposition.value().param("filename");
        if (filename == nullptr || filename->empty()) {
            mode_ = Mode::kValue;
            value_.clear();
            return count_value_bytes(name_.size());
        }
        mode_ = Mode::kFile;
        UploadedFile& file = files_.emplace_back(client_file_name(*filename), headers.content_type);
        file_groups_.add(name_, files_.size() - 1);
        if (!extension_allowed(settings_.uploads, file.name)) {
            file.error = UploadError::kExtension;
            return {};
        }
        fd_ = create_upload_file(settings_.uploads, file.tmp_name, file.error);
        return {};
    }

    boost::system::error_code on_part_data(std::string_view data) override {
        switch (mode_) {
            case Mode::kSkip:
                return {};
            case Mode::kValue:
                if (auto ec = count_value_bytes(data.size())) {
                    return ec;
                }
                value_.append(data);
                return {};
            case Mode::kFile:
                write_file(data);
                return {};
        }
        return {};
    }

    boost::system::error_code on_part_end() override {
        if (mode_ == Mode::kValue) {
            values_.add(name_, std::move(value_));
            value_ = std::string();
        } else if (mode_ == Mode::kFile) {
            flush_file();
            close_file();
        }
        mode_ = Mode::kSkip;
        return {};
    }

    FormValues& values() noexcept { return values_; }
    const FileGroups& file_groups() const noexcept { return file_groups_; }

private:
    enum class Mode { kSkip, kValue, kFile };

    boost::system::error_code count_value_bytes(std::size_t n) {
        value_bytes_ += n;
        if (value_bytes_ > settings_.max_value_bytes) {
            return make_error_code(errc::kFormTooLarge);
        }
        return {};
    }

    void write_file(std::string_view data) {
        if (fd_ < 0) {
            return;  // no temp file (error already recorded); the data is dropped
        }
        if (pending_.empty() && data.size() >= kWriteBuffer) {
            write_through(data);
            return;
        }
        if (pending_.capacity() < kWriteBuffer) {
            pending_.reserve(kWriteBuffer);
        }
        if (pending_.size() + data.size() > kWriteBuffer) {
            flush_file();
            if (fd_ < 0) {
                return;
            }
            if (data.size() >= kWriteBuffer) {
                write_through(data);
                return;
            }
        }
        pending_.append(data);
    }

    void flush_file() {
        if (fd_ >= 0 && !pending_.empty()) {
            write_through(pending_);
        }
        pending_.clear();
    }

    void write_through(std::string_view data) {
        UploadedFile& file = files_.back();
        std::size_t written = 0;
        const bool ok = write_all(fd_, data, written);
        file.size += static_cast<std::int64_t>(written);
        if (ok) {
            return;
        }
        // Go keeps the partial temp file and reports UPLOAD_ERR_CANT_WRITE.
        file.error = UploadError::kCantWrite;
        close_file();
    }

    void close_file() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
        pending_.clear();
    }

    const FormSettings& settings_;
    std::vector<UploadedFile>& files_;  // owned by FormParser::Impl
    Mode mode_ = Mode::kSkip;
    std::string name_;
    std::string value_;
    std::size_t value_bytes_ = 0;
    FormValues values_;
    FileGroups file_groups_;
    int fd_ = -1;  // the current file part's temp file
    std::string pending_;
};

}  // namespace

struct FormParser::Impl {
    Impl(const BodyClass& cls, const FormSettings& s) : settings(s) {
        if (cls.kind == BodyKind::kMultipart) {
            builder.emplace(settings, files);
            reader.emplace(cls.boundary, settings.multipart, *builder);
        } else {
            urlencoded = cls.kind == BodyKind::kUrlencoded && cls.form_in_body;
        }
    }

    const FormSettings& settings;     // not owned; outlives the parser
    std::vector<UploadedFile> files;  // declared before builder: the builder refers to it
    std::optional<MultipartFormBuilder> builder;
    std::optional<MultipartReader> reader;
    bool urlencoded = false;
    std::string body;  // urlencoded bytes
    boost::system::error_code error;
    std::string detail;
    bool finished = false;
};

FormParser::FormParser(const BodyClass& body, const FormSettings& settings)
    : impl_(std::make_unique<Impl>(body, settings)) {}

FormParser::~FormParser() = default;

const std::string& FormParser::error_detail() const noexcept {
    return impl_->detail;
}

boost::system::error_code FormParser::feed(std::string_view chunk) {
    Impl& m = *impl_;
    if (m.error) {
        return m.error;
    }
    if (m.reader) {
        m.error = m.reader->feed(chunk);
    } else if (m.urlencoded) {
        if (m.body.size() + chunk.size() > m.settings.max_urlencoded_bytes) {
            m.error = make_error_code(errc::kFormTooLarge);
        } else {
            m.body.append(chunk);
        }
    }
    if (m.error) {
        m.detail = fmt::format("form body: {}", m.error.message());
    }
    return m.error;
}

Result<ParsedForm> FormParser::finish() {
    Impl& m = *impl_;
    if (m.finished && !m.error) {
        m.error = make_error_code(errc::kFormMalformed);
        m.detail = "form parser finished twice";
    }
    m.finished = true;
    if (m.error) {
        return m.error;
    }
    auto fail = [&](boost::system::error_code ec, std::string detail) {
        m.error = ec;
        m.detail = std::move(detail);
        return ec;
    };

    FormValues url_values;
    FormValues* values = &url_values;
    if (m.reader) {
        if (auto ec = m.reader->finish()) {
            return fail(ec, fmt::format("multipart body: {}", ec.message()));
        }
        values = &m.builder->values();
    } else if (m.urlencoded) {
        if (auto ec = parse_urlencoded(m.body, url_values)) {
            return fail(ec, "urlencoded body: invalid escape or ';' separator");
        }
    }

    ParsedForm out;
    FormTree<std::string> data(FormTree<std::string>::Pick::kLast);
    for (const auto& group : values->groups()) {
        if (auto ec = data.push(group.name, group.values)) {
            return fail(ec, fmt::format("invalid multiple values to key '{}' in tree",
                                        data.conflict_key()));
        }
    }
    data.write_json(out.data_json,
                    [](std::string& s, const std::string& v) { append_json_string(s, v); });

    if (m.reader) {
        FormTree<std::size_t> uploads(FormTree<std::size_t>::Pick::kFirst);
        for (const auto& [name, indexes] : m.builder->file_groups().groups) {
            if (auto ec = uploads.push(name, indexes)) {
                return fail(ec, fmt::format("invalid multiple values to key '{}' in tree",
                                            uploads.conflict_key()));
            }
        }
        uploads.write_json(out.uploads_json,
                           [&](std::string& s, std::size_t i) { m.files[i].append_json(s); });
        out.files = std::move(m.files);
        m.files.clear();
    }
    return out;
}

}  // namespace rr::forms
