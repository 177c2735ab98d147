#pragma once
/// config::Node: the loaded `.rr.yaml` as a small owned tree (after include merge, env
/// expansion and `-o` overrides). Plugins decode their own section from it with
/// config/reader.h; the loading pipeline edits it (config/tree.h). yaml-cpp nodes have
/// reference semantics that make in-place edits error-prone, so the file is converted once,
/// right after parsing.
///
/// Thread safety: a plain value; no shared state.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rr::config {

struct Node {
    enum class Kind { kNull, kScalar, kSeq, kMap };

    Kind kind = Kind::kNull;
    std::string scalar;  ///< kScalar: the text
    /// kScalar: true when the text is certainly a string (quoted in the file, set by `-o`, or
    /// the result of env expansion). A plain scalar may still be a number/bool; only `version`
    /// cares about the difference.
    bool quoted = false;
    std::vector<Node> items;                            ///< kSeq
    std::vector<std::pair<std::string, Node>> entries;  ///< kMap, in file order, unique keys

    // Declared here, defined (defaulted) in tree.cpp where Node is complete: implicit members
    // would instantiate std::pair<std::string, Node> while Node is still incomplete, which
    // libstdc++'s pair rejects under clang (its explicit(...) default constructor asks whether
    // Node is implicitly default-constructible, a question about the class being defined).
    Node();
    Node(const Node&);
    Node(Node&&) noexcept;
    Node& operator=(const Node&);
    Node& operator=(Node&&) noexcept;
    ~Node();

    static Node make_scalar(std::string text, bool is_quoted);
    static Node make_map();

    bool is_null() const noexcept { return kind == Kind::kNull; }
    bool is_scalar() const noexcept { return kind == Kind::kScalar; }
    bool is_seq() const noexcept { return kind == Kind::kSeq; }
    bool is_map() const noexcept { return kind == Kind::kMap; }

    /// kMap: the entry whose key equals `key` exactly, or nullptr.
    const Node* find(std::string_view key) const;
    Node* find(std::string_view key);
    /// kMap: the entry whose key equals `key` ignoring ASCII case (upstream's viper lower-cases
    /// keys), or nullptr; the last spelling wins.
    const Node* find_nocase(std::string_view key) const;
    /// kMap: the entry for `key`, created as null if missing.
    Node& at_or_insert(std::string_view key);
    /// kMap: removes `key` if present.
    void erase(std::string_view key);

    /// Short description for messages: the scalar text, "a list", "a map" or "null".
    std::string describe() const;
};

}  // namespace rr::config
