#pragma once
// Internal to config/: the edits the loading pipeline makes to the document tree (parse,
// `-o` overrides, include merge, env expansion, JSON for `rpc.Config`). Not for plugins: they
// read their section with config/reader.h.
//
// Thread safety: plain functions over values.

#include <string>
#include <string_view>
#include <utility>

#include "config/node.h"

namespace rr::config::detail {

/// Parses YAML or JSON text. `source` names the file in error messages.
/// Throws ConfigError("", "<source>: <yaml error>") on syntax errors.
Node parse_document(std::string_view text, const std::string& source);

/// Parses one `-o` argument ("a.b.c=value", optionally quoted) and sets the path in `root`,
/// creating maps on the way. A value starting with '[' or '{' is parsed as a YAML flow
/// collection; anything else is a string scalar. Throws ConfigError("-o", reason).
void apply_override(Node& root, std::string_view argument);

/// Splits an override into (key path, value) without applying it. Throws ConfigError.
std::pair<std::string, std::string> split_override(std::string_view argument);

/// Deep merge: maps are merged key by key (recursively), anything else in `src` replaces the
/// value in `dst`.
void deep_merge(Node& dst, const Node& src);

/// Expands environment references in every scalar (map keys are left alone).
void expand_tree(Node& root);

/// Serialises the tree as compact JSON. Quoted scalars are strings; plain scalars become
/// null/bool/number when they look like one.
std::string to_json(const Node& root);

}  // namespace rr::config::detail
