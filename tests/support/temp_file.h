#pragma once
// Test helper: a file under /tmp with the given content, open for reading and writing; closed
// and unlinked when the object goes.

#include <stdlib.h>
#include <unistd.h>

#include <string>

namespace rr::test {

class TempFile {
public:
    explicit TempFile(const std::string& content) {
        char name[] = "/tmp/rr-test-file-XXXXXX";
        fd_ = ::mkstemp(name);
        path_ = name;
        std::size_t off = 0;
        while (off < content.size()) {
            const ssize_t n = ::write(fd_, content.data() + off, content.size() - off);
            if (n <= 0) break;
            off += static_cast<std::size_t>(n);
        }
    }
    ~TempFile() {
        ::close(fd_);
        ::unlink(path_.c_str());
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    int fd() const { return fd_; }
    const std::string& path() const { return path_; }

private:
    int fd_ = -1;
    std::string path_;
};

}  // namespace rr::test
