#pragma once
// Fields: an ordered list of HTTP header fields (name, value), one entry per value.
//
// Used for request headers (names as the client wrote them) and for the headers a handler
// hands to a ResponseWriter. Lookups compare names case-insensitively (ASCII).
//
// Thread safety: a plain value type; no shared state.

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rr::http {

struct Field {
    std::string name;
    std::string value;
};

/// ASCII case-insensitive equality (header names, tokens).
bool iequals(std::string_view a, std::string_view b) noexcept;

namespace detail {
constexpr std::array<bool, 256> make_token_table() noexcept {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
    return t;
}
inline constexpr std::array<bool, 256> kTokenTable = make_token_table();
}  // namespace detail

/// tchar per RFC 9110 §5.6.2.
constexpr bool is_token_char(unsigned char c) noexcept {
    return detail::kTokenTable[c];
}
/// A non-empty sequence of tchar (field names, methods).
constexpr bool is_token(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s) {
        if (!detail::kTokenTable[static_cast<unsigned char>(c)]) return false;
    }
    return true;
}

class Fields {
public:
    using const_iterator = std::vector<Field>::const_iterator;

    Fields() = default;
    Fields(std::initializer_list<Field> init) : fields_(init) {}

    void add(std::string name, std::string value) {
        fields_.push_back(Field{std::move(name), std::move(value)});
    }
    /// Removes every field called `name`, then adds one with `value`.
    void set(std::string_view name, std::string value);
    /// Removes every field called `name`; returns how many were removed.
    std::size_t erase(std::string_view name);

    /// The first value of `name`, or nullptr.
    const std::string* find(std::string_view name) const noexcept;
    bool contains(std::string_view name) const noexcept { return find(name) != nullptr; }
    /// Every value of `name`, in order.
    std::vector<std::string_view> all(std::string_view name) const;
    std::size_t count(std::string_view name) const noexcept;

    bool empty() const noexcept { return fields_.empty(); }
    std::size_t size() const noexcept { return fields_.size(); }
    const_iterator begin() const noexcept { return fields_.begin(); }
    const_iterator end() const noexcept { return fields_.end(); }
    const Field& operator[](std::size_t i) const noexcept { return fields_[i]; }
    void clear() noexcept { fields_.clear(); }
    void reserve(std::size_t n) { fields_.reserve(n); }

private:
    std::vector<Field> fields_;
};

}  // namespace rr::http
