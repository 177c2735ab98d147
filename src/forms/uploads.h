#pragma once
// Uploaded files: temp file creation in `http.uploads.dir`, the forbid/allow extension rules,
// and RAII ownership of the temp files (spec PROTOCOL.md §4.4, BEHAVIOUR.md §1.3, §3.3).
//
// Thread safety: plain values; one thread at a time per object. The functions are stateless.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rr::forms {

/// PHP's UPLOAD_ERR_* values that RoadRunner reports.
enum class UploadError : int {
    kOk = 0,         ///< stored in tmp_name
    kNoFile = 4,     ///< the part could not be read (kept for completeness; we never produce it)
    kNoTmpDir = 6,   ///< the temp file could not be created (missing or unwritable dir)
    kCantWrite = 7,  ///< writing (or chown) failed; tmp_name may hold a partial file
    kExtension = 8,  ///< forbidden by uploads.forbid / not in uploads.allow; no temp file
};

/// The `http.uploads` section plus ownership of created files.
struct UploadSettings {
    /// Directory for temp files; "" means $TMPDIR, or /tmp when that is unset (Go's
    /// os.TempDir). Used as given: a relative dir gives relative tmp names.
    std::string dir;
    /// Extensions with the dot, lower-case (".php"). Forbid wins over allow.
    std::vector<std::string> forbid;
    /// When non-empty, only these extensions are accepted.
    std::vector<std::string> allow;
    /// When set, each temp file is chown'ed (an unset half is left unchanged).
    std::optional<uid_t> uid;
    std::optional<gid_t> gid;
};

/// Go's filepath.Base for the client-supplied file name: the part after the last '/', with
/// trailing slashes removed ("a/b.txt" → "b.txt", "dir/" → "dir", "/" → "/"). Backslashes
/// are kept (RFC 7578 §4.2; Go does the same on Unix).
std::string client_file_name(std::string_view filename);

/// Lower-cased (ASCII) extension including the dot, from the last '.' after the last '/';
/// "" when there is none ("x.tar.GZ" → ".gz", "README" → "").
std::string file_extension(std::string_view name);

/// The forbid/allow decision for a client file name.
bool extension_allowed(const UploadSettings& settings, std::string_view name);

/// The directory temp files go to (settings.dir or the OS temp dir).
std::string upload_dir(const UploadSettings& settings);

/// Creates `<dir>/uploadXXXXXX` (mkstemp, mode 0600) and chowns it if asked. On success
/// returns the open descriptor and sets `path`. On failure returns -1 and sets `error`:
/// kNoTmpDir when the file cannot be created, kCantWrite when chown fails (the file is
/// removed again).
int create_upload_file(const UploadSettings& settings, std::string& path, UploadError& error);

/// One uploaded file as described to PHP. Owns its temp file: destroying (or move-assigning
/// over) the object unlinks `tmp_name`, so temp files live exactly as long as the request
/// that holds the ParsedForm. A file PHP moved away is simply gone (ENOENT is ignored).
class UploadedFile {
public:
    UploadedFile() = default;
    UploadedFile(std::string client_name, std::string content_type)
        : name(std::move(client_name)), mime(std::move(content_type)) {}
    ~UploadedFile() { remove(); }
    UploadedFile(const UploadedFile&) = delete;
    UploadedFile& operator=(const UploadedFile&) = delete;
    UploadedFile(UploadedFile&& other) noexcept;
    UploadedFile& operator=(UploadedFile&& other) noexcept;

    /// Unlinks the temp file now (if any) and clears tmp_name.
    void remove() noexcept;

    /// Appends `{"name":…,"mime":…,"size":…,"error":…,"tmpName":…}` (Go's field order).
    void append_json(std::string& out) const;

    std::string name;       ///< client file name (after client_file_name)
    std::string mime;       ///< the part's Content-Type, "" when absent
    std::int64_t size = 0;  ///< bytes written to the temp file
    UploadError error = UploadError::kOk;
    std::string tmp_name;  ///< temp file path; "" when none was created
};

}  // namespace rr::forms
