#include "config/tree.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>

#include "common/ascii.h"
#include "config/config.h"

namespace rr::config {

Node::Node() = default;
Node::Node(const Node&) = default;
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(const Node&) = default;
Node& Node::operator=(Node&&) noexcept = default;
Node::~Node() = default;

Node Node::make_scalar(std::string text, bool is_quoted) {
    Node v;
    v.kind = Kind::kScalar;
    v.scalar = std::move(text);
    v.quoted = is_quoted;
    return v;
}

Node Node::make_map() {
    Node v;
    v.kind = Kind::kMap;
    return v;
}

const Node* Node::find(std::string_view key) const {
    for (const auto& [k, v] : entries) {
        if (k == key) {
            return &v;
        }
    }
    return nullptr;
}

Node* Node::find(std::string_view key) {
    for (auto& [k, v] : entries) {
        if (k == key) {
            return &v;
        }
    }
    return nullptr;
}

Node& Node::at_or_insert(std::string_view key) {
    if (Node* existing = find(key)) {
        return *existing;
    }
    entries.emplace_back(std::string(key), Node{});
    return entries.back().second;
}

const Node* Node::find_nocase(std::string_view key) const {
    const Node* found = nullptr;
    for (const auto& [k, v] : entries) {
        if (ascii::iequals(k, key)) {
            found = &v;
        }
    }
    return found;
}

void Node::erase(std::string_view key) {
    for (auto it = entries.begin(); it != entries.end(); ++it) {
        if (it->first == key) {
            entries.erase(it);
            return;
        }
    }
}

std::string Node::describe() const {
    switch (kind) {
        case Kind::kNull:
            return "null";
        case Kind::kScalar:
            return scalar;
        case Kind::kSeq:
            return "a list";
        case Kind::kMap:
            return "a map";
    }
    return {};
}

}  // namespace rr::config

namespace rr::config::detail {

namespace {

Node from_yaml(const YAML::Node& node) {
    Node v;
    switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            v.kind = Node::Kind::kNull;
            break;
        case YAML::NodeType::Scalar:
            // yaml-cpp tags quoted (non-plain) scalars "!" and plain ones "?".
            v = Node::make_scalar(node.Scalar(), node.Tag() == "!");
            break;
        case YAML::NodeType::Sequence:
            v.kind = Node::Kind::kSeq;
            for (const auto& item : node) {
                v.items.push_back(from_yaml(item));
            }
            break;
        case YAML::NodeType::Map: {
            v.kind = Node::Kind::kMap;
            std::vector<Node> merged;  // `<<: *anchor` sources, applied after explicit keys
            for (const auto& kv : node) {
                const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
                if (key == "<<" && kv.first.Tag() != "!") {
                    // YAML merge key (yaml-cpp 0.7 does not resolve it): a map or a list of maps.
                    if (kv.second.IsSequence()) {
                        for (const auto& item : kv.second) {
                            merged.push_back(from_yaml(item));
                        }
                    } else {
                        merged.push_back(from_yaml(kv.second));
                    }
                    continue;
                }
                // A repeated key: the later one wins, as with most YAML loaders.
                v.at_or_insert(key) = from_yaml(kv.second);
            }
            for (const auto& source : merged) {
                if (!source.is_map()) {
                    throw ConfigError("", "a YAML merge key (<<) must refer to a map");
                }
                for (const auto& [key, value] : source.entries) {
                    if (v.find(key) == nullptr) {  // explicit keys win over merged ones
                        v.entries.emplace_back(key, value);
                    }
                }
            }
            break;
        }
    }
    return v;
}

std::string_view trim(std::string_view s, std::string_view chars = " \t\n\r") {
    const auto b = s.find_first_not_of(chars);
    if (b == std::string_view::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(chars);
    return s.substr(b, e - b + 1);
}

bool looks_like_int(const std::string& s) {
    static const std::regex re("[-+]?[0-9]+");
    return std::regex_match(s, re);
}

bool looks_like_float(const std::string& s) {
    static const std::regex re(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    return std::regex_match(s, re);
}

nlohmann::ordered_json json_of(const Node& v) {
    switch (v.kind) {
        case Node::Kind::kNull:
            return nullptr;
        case Node::Kind::kScalar: {
            if (v.quoted) {
                return v.scalar;
            }
            const std::string& s = v.scalar;
            if (s == "true" || s == "True" || s == "TRUE") {
                return true;
            }
            if (s == "false" || s == "False" || s == "FALSE") {
                return false;
            }
            if (looks_like_int(s)) {
                errno = 0;
                char* end = nullptr;
                const long long n = std::strtoll(s.c_str(), &end, 10);
                if (errno == 0 && end != nullptr && *end == '\0') {
                    return n;
                }
            }
            if (looks_like_float(s)) {
                return std::strtod(s.c_str(), nullptr);
            }
            return s;
        }
        case Node::Kind::kSeq: {
            auto arr = nlohmann::ordered_json::array();
            for (const auto& item : v.items) {
                arr.push_back(json_of(item));
            }
            return arr;
        }
        case Node::Kind::kMap: {
            auto obj = nlohmann::ordered_json::object();
            for (const auto& [key, value] : v.entries) {
                obj[key] = json_of(value);
            }
            return obj;
        }
    }
    return nullptr;
}

}  // namespace

Node parse_document(std::string_view text, const std::string& source) {
    YAML::Node node;
    try {
        node = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw ConfigError("", source + ": invalid YAML/JSON: " + e.what());
    }
    Node v = from_yaml(node);
    if (v.is_null()) {
        return Node::make_map();  // an empty file is an empty document
    }
    if (!v.is_map()) {
        throw ConfigError("", source + ": the document must be a map of sections");
    }
    return v;
}

std::pair<std::string, std::string> split_override(std::string_view argument) {
    // Leading quotes/blanks are dropped (a quoted whole "key=value" argument), as upstream.
    std::string_view arg = argument;
    arg.remove_prefix(std::min(arg.size(), arg.find_first_not_of(" \t\n\r\"'`")));
    const auto eq = arg.find('=');
    if (eq == std::string_view::npos) {
        throw ConfigError(
            "-o", "invalid override \"" + std::string(argument) + "\", expected key.path=value");
    }
    const std::string_view key = trim(arg.substr(0, eq));
    std::string_view value = trim(arg.substr(eq + 1));
    if (key.empty()) {
        throw ConfigError("-o",
                          "invalid override \"" + std::string(argument) + "\": the key is empty");
    }
    std::string out;
    if (!value.empty() && (value.front() == '"' || value.front() == '\'' || value.front() == '`')) {
        const char q = value.front();
        value = trim(value, std::string_view(&q, 1));
        const std::string escaped = std::string("\\") + q;
        out.reserve(value.size());
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (value.substr(i, 2) == escaped) {
                out += q;
                ++i;
            } else {
                out += value[i];
            }
        }
    } else {
        out = std::string(value);
    }
    if (out.empty()) {
        throw ConfigError("-o",
                          "invalid override \"" + std::string(argument) + "\": the value is empty");
    }
    return {std::string(key), out};
}

void apply_override(Node& root, std::string_view argument) {
    auto [key, text] = split_override(argument);

    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto dot = key.find('.', start);
        parts.push_back(key.substr(start, dot - start));
        if (parts.back().empty()) {
            throw ConfigError("-o", "invalid override key \"" + key + "\": empty path segment");
        }
        if (dot == std::string::npos) {
            break;
        }
        start = dot + 1;
    }

    Node value = Node::make_scalar(text, true);
    if (text.front() == '[' || text.front() == '{') {
        try {
            value = from_yaml(YAML::Load(text));
        } catch (const YAML::Exception&) {
            // Not a valid flow collection: keep it as the literal string.
        }
    }

    Node* cur = &root;
    std::string walked;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        walked += (walked.empty() ? "" : ".") + parts[i];
        Node& next = cur->at_or_insert(parts[i]);
        if (next.is_null()) {
            next = Node::make_map();
        } else if (!next.is_map()) {
            throw ConfigError("-o", "cannot set \"" + key + "\": \"" + walked + "\" is not a map");
        }
        cur = &next;
    }
    cur->at_or_insert(parts.back()) = std::move(value);
}

void deep_merge(Node& dst, const Node& src) {
    if (dst.is_map() && src.is_map()) {
        for (const auto& [key, value] : src.entries) {
            Node& slot = dst.at_or_insert(key);
            if (slot.is_map() && value.is_map()) {
                deep_merge(slot, value);
            } else {
                slot = value;
            }
        }
        return;
    }
    dst = src;
}

void expand_tree(Node& root) {
    switch (root.kind) {
        case Node::Kind::kNull:
            break;
        case Node::Kind::kScalar:
            if (root.scalar.find('$') != std::string::npos) {
                root.scalar = expand_env(root.scalar);
                // A substituted value is text, whatever it looks like (as upstream's viper).
                root.quoted = true;
            }
            break;
        case Node::Kind::kSeq:
            for (auto& item : root.items) {
                expand_tree(item);
            }
            break;
        case Node::Kind::kMap:
            for (auto& [key, value] : root.entries) {
                expand_tree(value);
            }
            break;
    }
}

std::string to_json(const Node& root) {
    // Invalid UTF-8 in the file becomes U+FFFD, as Go's json.Marshal does for upstream's
    // rpc.Config; the default handler would throw a json type_error out of config loading
    // (found by fuzz/config).
    return json_of(root).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace rr::config::detail
