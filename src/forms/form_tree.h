#pragma once
// PHP-style form trees: field names such as `a[b][]` are split into keys and the values are
// mounted into nested objects, following RoadRunner's handler/parse.go rules
// (docs/forms.md, spec PROTOCOL.md §4.4).
//
// Thread safety: plain values; one thread at a time per object.

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "forms/json_string.h"

namespace rr::forms {

/// Names with more keys than this are dropped silently (RoadRunner's MaxLevel).
inline constexpr std::size_t kMaxTreeDepth = 127;

/// Splits a field name into keys like RoadRunner's fetchIndexes: `a[b][c]` → a, b, c;
/// `a[]` → a, ""; text after `]` starts a new key (`a[b]c` → a, b, c); spaces are removed
/// everywhere; bytes that are not valid UTF-8 become U+FFFD. Splitting stops once more than
/// kMaxTreeDepth keys were found (the caller drops such names anyway).
std::vector<std::string> split_field_name(std::string_view name);

/// Values grouped by their exact raw field name, in the order in which each name first
/// appeared (Go groups them the same way in url.Values; its map order is random, ours is
/// deterministic).
class FormValues {
public:
    struct Group {
        std::string name;
        std::vector<std::string> values;
    };

    FormValues() = default;
    FormValues(const FormValues&) = delete;  // index_ points into groups_
    FormValues& operator=(const FormValues&) = delete;
    FormValues(FormValues&&) noexcept = default;
    FormValues& operator=(FormValues&&) noexcept = default;

    void add(std::string_view name, std::string value);
    const std::deque<Group>& groups() const noexcept { return groups_; }
    bool empty() const noexcept { return groups_.empty(); }

private:
    std::deque<Group> groups_;  // deque: the index keys below point into the names
    std::unordered_map<std::string_view, std::size_t> index_;
};

/// A tree of values of type V (std::string for form fields, an index for uploaded files).
///
/// Rules, for one pushed name with its values (all values of one group):
/// - `name` → a single value (Pick::kLast for fields, Pick::kFirst for files);
/// - `name[]` → the list of all values;
/// - `a[b][c]` → nested objects; numeric keys stay object keys ("0");
/// - a name already holding a non-empty value pushed again as a branch, or a branch pushed
///   again as a non-empty value → errc::kFormInvalidTree (conflict_key() names the key);
/// - an empty incoming value (one empty string) never overwrites existing data;
/// - an empty existing value is replaced by the incoming value or branch.
template <class V>
class FormTree {
public:
    enum class Pick { kFirst, kLast };

    explicit FormTree(Pick pick) : pick_(pick) {}

    /// Mounts `values` under the keys of `name`. Does nothing when `values` is empty or the
    /// name has more than kMaxTreeDepth keys. Returns errc::kFormInvalidTree on a conflict.
    boost::system::error_code push(std::string_view name, std::span<const V> values);

    bool empty() const noexcept { return root_.children.empty(); }

    /// The key named in the last conflict error, for the error message.
    const std::string& conflict_key() const noexcept { return conflict_key_; }

    /// Appends the tree as a JSON object (keys in byte order, as Go's encoding/json sorts map
    /// keys; `{}` when empty). `write_value(out, v)` appends one value.
    template <class W>
    void write_json(std::string& out, W&& write_value) const {
        write_node(out, root_, write_value);
    }

private:
    struct Node {
        enum class Kind : unsigned char { kBranch, kValue, kList };
        Kind kind = Kind::kBranch;
        std::map<std::string, std::unique_ptr<Node>, std::less<>> children;
        std::vector<V> values;  // kValue: exactly one; kList: all values
    };

    static bool is_empty_value(const V& v) {
        if constexpr (std::is_same_v<V, std::string>) {
            return v.empty();
        } else {
            return false;
        }
    }

    static bool is_empty(std::span<const V> values) {
        return values.empty() || (values.size() == 1 && is_empty_value(values[0]));
    }

    void assign(Node& node, bool list, std::span<const V> values) const {
        node.children.clear();
        if (list) {
            node.kind = Node::Kind::kList;
            node.values.assign(values.begin(), values.end());
        } else {
            node.kind = Node::Kind::kValue;
            node.values.assign(1, pick_ == Pick::kLast ? values.back() : values.front());
        }
    }

    boost::system::error_code conflict(const std::string& key) {
        conflict_key_ = key;
        return make_error_code(errc::kFormInvalidTree);
    }

    template <class W>
    static void write_node(std::string& out, const Node& node, W& write_value) {
        switch (node.kind) {
            case Node::Kind::kBranch: {
                out += '{';
                bool first = true;
                for (const auto& [key, child] : node.children) {
                    if (!first) {
                        out += ',';
                    }
                    first = false;
                    append_json_string(out, key);
                    out += ':';
                    write_node(out, *child, write_value);
                }
                out += '}';
                break;
            }
            case Node::Kind::kValue:
                write_value(out, node.values.front());
                break;
            case Node::Kind::kList: {
                out += '[';
                for (std::size_t i = 0; i < node.values.size(); ++i) {
                    if (i != 0) {
                        out += ',';
                    }
                    write_value(out, node.values[i]);
                }
                out += ']';
                break;
            }
        }
    }

    Pick pick_;
    Node root_;
    std::string conflict_key_;
};

template <class V>
boost::system::error_code FormTree<V>::push(std::string_view name, std::span<const V> values) {
    if (values.empty()) {
        return {};
    }
    const std::vector<std::string> keys = split_field_name(name);
    if (keys.size() > kMaxTreeDepth) {
        return {};
    }
    const bool incoming_empty = is_empty(values);
    Node* node = &root_;
    for (std::size_t pos = 0; pos < keys.size(); ++pos) {
        const std::string& key = keys[pos];
        const std::size_t rest = keys.size() - pos - 1;
        const bool list_incoming = rest == 1 && keys[pos + 1].empty();
        const bool leaf_incoming = rest == 0 || list_incoming;

        auto it = node->children.find(key);
        if (it == node->children.end()) {
            it = node->children.emplace(key, std::make_unique<Node>()).first;
            if (leaf_incoming) {
                assign(*it->second, list_incoming, values);
                return {};
            }
            node = it->second.get();
            continue;
        }

        Node& existing = *it->second;
        if (existing.kind == Node::Kind::kBranch) {
            if (leaf_incoming) {
                // A branch is never replaced by a value; an empty value is just ignored.
                return incoming_empty ? boost::system::error_code{} : conflict(key);
            }
            node = &existing;
            continue;
        }

        const bool existing_empty = is_empty(existing.values);
        if (!existing_empty) {
            if (rest >= 1 && !keys[pos + 1].empty()) {
                return conflict(key);
            }
            if (incoming_empty) {
                return {};
            }
        }
        if (leaf_incoming) {
            assign(existing, list_incoming, values);
            return {};
        }
        if (!existing_empty) {
            // `a=x` then `a[][]=y`: Go panics here (a value used as a branch); we report the
            // same conflict its other push order reports.
            return conflict(key);
        }
        existing.kind = Node::Kind::kBranch;
        existing.values.clear();
        node = &existing;
    }
    return {};
}

}  // namespace rr::forms
