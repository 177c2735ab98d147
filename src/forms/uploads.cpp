#include "forms/uploads.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "forms/json_string.h"

namespace rr::forms {

std::string client_file_name(std::string_view filename) {
    if (filename.empty()) {
        return ".";
    }
    while (filename.size() > 1 && filename.back() == '/') {
        filename.remove_suffix(1);
    }
    if (filename == "/") {
        return "/";
    }
    const std::size_t slash = filename.rfind('/');
    return std::string(slash == std::string_view::npos ? filename : filename.substr(slash + 1));
}

std::string file_extension(std::string_view name) {
    for (std::size_t i = name.size(); i-- > 0;) {
        if (name[i] == '/') {
            break;
        }
        if (name[i] == '.') {
            std::string ext(name.substr(i));
            for (char& c : ext) {
                if (c >= 'A' && c <= 'Z') {
                    c = static_cast<char>(c - 'A' + 'a');
                }
            }
            return ext;
        }
    }
    return {};
}

bool extension_allowed(const UploadSettings& settings, std::string_view name) {
    const std::string ext = file_extension(name);
    auto contains = [&](const std::vector<std::string>& list) {
        return std::find(list.begin(), list.end(), ext) != list.end();
    };
    if (contains(settings.forbid)) {
        return false;
    }
    return settings.allow.empty() || contains(settings.allow);
}

std::string upload_dir(const UploadSettings& settings) {
    if (!settings.dir.empty()) {
        return settings.dir;
    }
    const char* tmp = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): read-only use
    return tmp != nullptr && *tmp != '\0' ? std::string(tmp) : std::string("/tmp");
}

int create_upload_file(const UploadSettings& settings, std::string& path, UploadError& error) {
    std::string dir = upload_dir(settings);
    while (dir.size() > 1 && dir.back() == '/') {
        dir.pop_back();
    }
    path = fmt::format("{}/uploadXXXXXX", dir == "/" ? "" : dir);
    const int fd = ::mkstemp(path.data());
    if (fd < 0) {
        path.clear();
        error = UploadError::kNoTmpDir;
        return -1;
    }
    if (settings.uid || settings.gid) {
        const auto uid = settings.uid ? *settings.uid : static_cast<uid_t>(-1);
        const auto gid = settings.gid ? *settings.gid : static_cast<gid_t>(-1);
        if (::fchown(fd, uid, gid) != 0) {
            ::close(fd);
            ::unlink(path.c_str());
            path.clear();
            error = UploadError::kCantWrite;
            return -1;
        }
    }
    error = UploadError::kOk;
    return fd;
}

UploadedFile::UploadedFile(UploadedFile&& other) noexcept
    : name(std::move(other.name)),
      mime(std::move(other.mime)),
      size(other.size),
      error(other.error),
      tmp_name(std::move(other.tmp_name)) {
    other.tmp_name.clear();
}

UploadedFile& UploadedFile::operator=(UploadedFile&& other) noexcept {
    if (this != &other) {
        remove();
        name = std::move(other.name);
        mime = std::move(other.mime);
        size = other.size;
        error = other.error;
        tmp_name = std::move(other.tmp_name);
        other.tmp_name.clear();
    }
    return *this;
}

void UploadedFile::remove() noexcept {
    if (!tmp_name.empty()) {
        ::unlink(tmp_name.c_str());
        tmp_name.clear();
    }
}

void UploadedFile::append_json(std::string& out) const {
    out += "{\"name\":";
    append_json_string(out, name);
    out += ",\"mime\":";
    append_json_string(out, mime);
    fmt::format_to(std::back_inserter(out), ",\"size\":{},\"error\":{},\"tmpName\":", size,
                   static_cast<int>(error));
    append_json_string(out, tmp_name);
    out += '}';
}

}  // namespace rr::forms
