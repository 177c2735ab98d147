#pragma once
// PageBuffer: a page-aligned, uninitialised byte buffer whose pages can be handed back to the
// kernel while it stays allocated (madvise MADV_DONTNEED), so an idle connection's read buffer
// costs no RSS: only the pages a read writes come back (zero-filled, on first touch). Unlike a
// std::vector<char> it is not zero-filled when created or grown, so a fresh 16 KiB buffer
// into which a small request is read costs one page, not four.
//
// Releasing pages is safe while an asynchronous read into the buffer is pending, provided the
// read cannot run concurrently (it is performed by the same single-threaded io_context): the
// kernel then writes into fresh zero pages. The buffer's contents are lost, so release only an
// empty buffer.
//
// Thread safety: none (one owner).

#include <sys/mman.h>

#include <cstddef>
#include <cstring>
#include <new>
#include <utility>

namespace rr {

class PageBuffer {
public:
    static constexpr std::size_t kPage = 4096;

    PageBuffer() = default;
    explicit PageBuffer(std::size_t size) { resize(size); }
    PageBuffer(const PageBuffer&) = delete;
    PageBuffer& operator=(const PageBuffer&) = delete;
    PageBuffer(PageBuffer&& o) noexcept
        : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
    PageBuffer& operator=(PageBuffer&& o) noexcept {
        if (this != &o) {
            free();
            data_ = std::exchange(o.data_, nullptr);
            size_ = std::exchange(o.size_, 0);
        }
        return *this;
    }
    ~PageBuffer() { free(); }

    char* data() noexcept { return data_; }
    const char* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }

    /// Grows or shrinks to `size` bytes (rounded up to whole pages), keeping the first
    /// min(old, new) bytes. Throws std::bad_alloc.
    void resize(std::size_t size) {
        size = (size + kPage - 1) / kPage * kPage;
        if (size == size_) return;
        char* p = size == 0 ? nullptr
                            : static_cast<char*>(::operator new (size, std::align_val_t{kPage}));
        if (p != nullptr && data_ != nullptr) std::memcpy(p, data_, size < size_ ? size : size_);
        free();
        data_ = p;
        size_ = size;
    }

    /// Hands the pages back to the kernel; the contents become zeros on the next touch.
    void release_pages() noexcept {
        if (data_ != nullptr) ::madvise(data_, size_, MADV_DONTNEED);
    }

private:
    void free() noexcept {
        // The unsized aligned delete: clang 14 does not declare the sized one by default.
        if (data_ != nullptr) ::operator delete (data_, std::align_val_t{kPage});
        data_ = nullptr;
        size_ = 0;
    }

    char* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace rr
