#include "forms/form_tree.h"

#include "common/utf8.h"

namespace rr::forms {

std::vector<std::string> split_field_name(std::string_view name) {
    // pos: 0 inside a key, 1 right after '[', 2 right after ']' (RoadRunner's states).
    int pos = 0;
    std::vector<std::string> keys(1);
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (c == ' ') {
            continue;
        }
        if (c == '[') {
            pos = 1;
            continue;
        }
        if (c == ']') {
            if (pos == 1) {
                if (keys.size() > kMaxTreeDepth) {
                    return keys;
                }
                keys.emplace_back();
            }
            pos = 2;
            continue;
        }
        if (pos != 0) {
            if (keys.size() > kMaxTreeDepth) {
                return keys;
            }
            keys.emplace_back();
        }
        pos = 0;
        if (static_cast<unsigned char>(c) < 0x80) {
            keys.back() += c;
            continue;
        }
        const std::size_t len = utf8_sequence_length(name.substr(i));
        if (len == 0) {
            keys.back() += "\xEF\xBF\xBD";  // U+FFFD, as Go's range loop yields
        } else {
            keys.back().append(name.data() + i, len);
            i += len - 1;
        }
    }
    return keys;
}

void FormValues::add(std::string_view name, std::string value) {
    auto it = index_.find(name);
    if (it != index_.end()) {
        groups_[it->second].values.push_back(std::move(value));
        return;
    }
    Group& group = groups_.emplace_back();
    group.name.assign(name);
    group.values.push_back(std::move(value));
    index_.emplace(group.name, groups_.size() - 1);
}

}  // namespace rr::forms
