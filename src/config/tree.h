#pragma once
// Internal to config/: a small owned document tree that the loading pipeline edits (overrides,
// include merge, env expansion) before sections are decoded. yaml-cpp nodes have reference
// semantics that make in-place edits error-prone, so the file is converted once, right after
// parsing.
//
// Thread safety: plain values; no shared state.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rr::config::detail {

struct Value {
    enum class Kind { kNull, kScalar, kSeq, kMap };

    Kind kind = Kind::kNull;
    std::string scalar;  ///< kScalar: the text
    /// kScalar: true when the text is certainly a string (quoted in the file, or set by `-o`).
    /// A plain scalar may still be a number/bool; only `version` cares about the difference.
    bool quoted = false;
    std::vector<Value> items;                            ///< kSeq
    std::vector<std::pair<std::string, Value>> entries;  ///< kMap, in file order, unique keys

    static Value make_scalar(std::string text, bool is_quoted);
    static Value make_map();

    bool is_null() const noexcept { return kind == Kind::kNull; }
    bool is_scalar() const noexcept { return kind == Kind::kScalar; }
    bool is_seq() const noexcept { return kind == Kind::kSeq; }
    bool is_map() const noexcept { return kind == Kind::kMap; }

    /// kMap: the entry whose key equals `key` exactly, or nullptr.
    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    /// kMap: the entry for `key`, created as null if missing.
    Value& at_or_insert(std::string_view key);
    /// kMap: removes `key` if present.
    void erase(std::string_view key);

    /// Short description for messages: the scalar text, "a list", "a map" or "null".
    std::string describe() const;
};

/// Parses YAML or JSON text. `source` names the file in error messages.
/// Throws ConfigError("", "<source>: <yaml error>") on syntax errors.
Value parse_document(std::string_view text, const std::string& source);

/// Parses one `-o` argument ("a.b.c=value", optionally quoted) and sets the path in `root`,
/// creating maps on the way. A value starting with '[' or '{' is parsed as a YAML flow
/// collection; anything else is a string scalar. Throws ConfigError("-o", reason).
void apply_override(Value& root, std::string_view argument);

/// Splits an override into (key path, value) without applying it. Throws ConfigError.
std::pair<std::string, std::string> split_override(std::string_view argument);

/// Deep merge: maps are merged key by key (recursively), anything else in `src` replaces the
/// value in `dst`.
void deep_merge(Value& dst, const Value& src);

/// Expands environment references in every scalar (map keys are left alone).
void expand_tree(Value& root);

/// Serialises the tree as compact JSON. Quoted scalars are strings; plain scalars become
/// null/bool/number when they look like one.
std::string to_json(const Value& root);

}  // namespace rr::config::detail
