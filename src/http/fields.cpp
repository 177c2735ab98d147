#include "http/fields.h"

#include <algorithm>

#include "common/ascii.h"

namespace rr::http {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return ascii::iequals(a, b);
}

void Fields::set(std::string_view name, std::string value) {
    erase(name);
    fields_.push_back(Field{std::string(name), std::move(value)});
}

std::size_t Fields::erase(std::string_view name) {
    auto it = std::remove_if(fields_.begin(), fields_.end(),
                             [&](const Field& f) { return iequals(f.name, name); });
    auto n = static_cast<std::size_t>(fields_.end() - it);
    fields_.erase(it, fields_.end());
    return n;
}

const std::string* Fields::find(std::string_view name) const noexcept {
    for (const auto& f : fields_) {
        if (iequals(f.name, name)) {
            return &f.value;
        }
    }
    return nullptr;
}

std::vector<std::string_view> Fields::all(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& f : fields_) {
        if (iequals(f.name, name)) {
            out.emplace_back(f.value);
        }
    }
    return out;
}

std::size_t Fields::count(std::string_view name) const noexcept {
    std::size_t n = 0;
    for (const auto& f : fields_) {
        n += iequals(f.name, name) ? 1 : 0;
    }
    return n;
}

}  // namespace rr::http
