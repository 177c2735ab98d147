#include "forms/form_tree.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace rr::forms {
namespace {

using Keys = std::vector<std::string>;

TEST(SplitFieldName, SplitsBracketsLikeRoadRunner) {
    EXPECT_EQ(split_field_name("key"), (Keys{"key"}));
    EXPECT_EQ(split_field_name("key[subkey]"), (Keys{"key", "subkey"}));
    EXPECT_EQ(split_field_name("key[subkey]value"), (Keys{"key", "subkey", "value"}));
    EXPECT_EQ(split_field_name("key[subkey][value]"), (Keys{"key", "subkey", "value"}));
    EXPECT_EQ(split_field_name("key[subkey][value][]"), (Keys{"key", "subkey", "value", ""}));
    EXPECT_EQ(split_field_name("options[0][name]"), (Keys{"options", "0", "name"}));
    EXPECT_EQ(split_field_name("a[][]"), (Keys{"a", "", ""}));
    EXPECT_EQ(split_field_name("[a]"), (Keys{"", "a"}));
    EXPECT_EQ(split_field_name(""), (Keys{""}));
    EXPECT_EQ(split_field_name("a]b"), (Keys{"a", "b"}));
    EXPECT_EQ(split_field_name("a[[b]]"), (Keys{"a", "b"}));
}

TEST(SplitFieldName, IgnoresSpacesEverywhere) {
    EXPECT_EQ(split_field_name("key[subkey] [value][]"), (Keys{"key", "subkey", "value", ""}));
    EXPECT_EQ(split_field_name("key [ subkey ] [ value ] [ ]"),
              (Keys{"key", "subkey", "value", ""}));
    EXPECT_EQ(split_field_name("a b[c d]"), (Keys{"ab", "cd"}));
}

TEST(SplitFieldName, KeepsMultiByteAndReplacesInvalidUtf8) {
    EXPECT_EQ(split_field_name("ключь [ subkey ]"), (Keys{"ключь", "subkey"}));
    EXPECT_EQ(split_field_name("a\xff[b]"), (Keys{"a\xEF\xBF\xBD", "b"}));
}

TEST(SplitFieldName, StopsAfterMaxDepth) {
    std::string deep = "a";
    for (int i = 0; i < 1000; ++i) {
        deep += "[]";
    }
    EXPECT_EQ(split_field_name(deep).size(), kMaxTreeDepth + 1);
}

// Pushes (name, values) groups in order and returns the JSON, or "error:<key>".
std::string build(const std::vector<std::pair<std::string, std::vector<std::string>>>& groups) {
    FormTree<std::string> tree(FormTree<std::string>::Pick::kLast);
    for (const auto& [name, values] : groups) {
        if (auto ec = tree.push(name, values)) {
            EXPECT_EQ(ec, make_error_code(errc::kFormInvalidTree));
            return "error:" + tree.conflict_key();
        }
    }
    std::string out;
    tree.write_json(out, [](std::string& s, const std::string& v) { append_json_string(s, v); });
    return out;
}

TEST(FormTree, EmptyTreeIsEmptyObject) {
    EXPECT_EQ(build({}), "{}");
}

TEST(FormTree, PlainNameTakesLastValue) {
    EXPECT_EQ(build({{"a", {"1", "2", "3"}}}), R"({"a":"3"})");
    EXPECT_EQ(build({{"a", {"x", ""}}}), R"({"a":""})");
}

TEST(FormTree, BracketNameCollectsAllValues) {
    EXPECT_EQ(build({{"a[]", {"1", "2"}}}), R"({"a":["1","2"]})");
    EXPECT_EQ(build({{"a[]", {""}}}), R"({"a":[""]})");
}

TEST(FormTree, NestedNamesBecomeObjectsWithStringKeys) {
    EXPECT_EQ(
        build({{"options[0][id]", {"7"}}, {"options[0][name]", {"x"}}, {"options[1][id]", {"8"}}}),
        R"({"options":{"0":{"id":"7","name":"x"},"1":{"id":"8"}}})");
    EXPECT_EQ(build({{"a[b][]", {"1", "2"}}}), R"({"a":{"b":["1","2"]}})");
    EXPECT_EQ(build({{"a[][]", {"1"}}}), R"({"a":{"":["1"]}})");
}

TEST(FormTree, KeysAreSortedBytewise) {
    EXPECT_EQ(build({{"b", {"1"}}, {"a", {"2"}}, {"B", {"3"}}, {"\xc3\xa9", {"4"}}}),
              "{\"B\":\"3\",\"a\":\"2\",\"b\":\"1\",\"\xc3\xa9\":\"4\"}");
}

TEST(FormTree, ListStaysWhenLaterPlainValueIsEmpty) {
    EXPECT_EQ(build({{"key[]", {"value2"}}, {"key", {""}}}), R"({"key":["value2"]})");
}

TEST(FormTree, NonEmptyPlainValueOverwritesList) {
    EXPECT_EQ(build({{"key[]", {"value2"}}, {"key", {"value1"}}}), R"({"key":"value1"})");
    EXPECT_EQ(build({{"key", {"value1"}}, {"key[]", {"a", "b"}}}), R"({"key":["a","b"]})");
}

TEST(FormTree, EmptyValueIsReplacedByBranch) {
    EXPECT_EQ(
        build({{"key", {""}}, {"key[options][id]", {"id1"}}, {"key[options][value]", {"value1"}}}),
        R"({"key":{"options":{"id":"id1","value":"value1"}}})");
    EXPECT_EQ(build({{"key", {""}}, {"key[b]", {""}}}), R"({"key":{"b":""}})");
}

TEST(FormTree, BranchIsNotOverwrittenByEmptyValue) {
    EXPECT_EQ(
        build(
            {{"key[options][id]", {"id1"}}, {"key[options][value]", {"value1"}}, {"key[]", {""}}}),
        R"({"key":{"options":{"id":"id1","value":"value1"}}})");
    EXPECT_EQ(build({{"key[a]", {"1"}}, {"key", {""}}}), R"({"key":{"a":"1"}})");
}

TEST(FormTree, ValueThenBranchIsAConflict) {
    EXPECT_EQ(build({{"key", {"value"}}, {"key[options][id]", {"id1"}}}), "error:key");
    EXPECT_EQ(build({{"a[]", {"1"}}, {"a[b]", {"2"}}}), "error:a");
    EXPECT_EQ(build({{"a", {"x"}}, {"a[][]", {"y"}}}), "error:a");
}

TEST(FormTree, BranchThenValueIsAConflict) {
    EXPECT_EQ(build({{"key[options][id]", {"id1"}}, {"key", {"value"}}}), "error:key");
    EXPECT_EQ(build({{"a[b]", {"2"}}, {"a[]", {"1"}}}), "error:a");
    EXPECT_EQ(build({{"x[a][b]", {"1"}}, {"x[a]", {"2"}}}), "error:a");
}

TEST(FormTree, NamesDeeperThanMaxDepthAreDropped) {
    std::string ok = "a";
    for (std::size_t i = 1; i < kMaxTreeDepth; ++i) {
        ok += "[k]";
    }
    const std::string too_deep = ok + "[k]";
    EXPECT_EQ(split_field_name(ok).size(), kMaxTreeDepth);
    EXPECT_EQ(build({{too_deep, {"1"}}}), "{}");
    const std::string json = build({{ok, {"1"}}});
    EXPECT_NE(json.find("\"k\":\"1\""), std::string::npos);
}

TEST(FormTree, FilesPickTheFirstValue) {
    FormTree<int> tree(FormTree<int>::Pick::kFirst);
    const std::vector<int> files{1, 2};
    ASSERT_FALSE(tree.push("file", files));
    ASSERT_FALSE(tree.push("list[]", files));
    std::string out;
    tree.write_json(out, [](std::string& s, int v) { s += std::to_string(v); });
    EXPECT_EQ(out, R"({"file":1,"list":[1,2]})");
}

TEST(FormValues, GroupsByExactNameInFirstAppearanceOrder) {
    FormValues values;
    values.add("b", "1");
    values.add("a", "2");
    values.add("b", "3");
    values.add("a ", "4");
    ASSERT_EQ(values.groups().size(), 3u);
    EXPECT_EQ(values.groups()[0].name, "b");
    EXPECT_EQ(values.groups()[0].values, (std::vector<std::string>{"1", "3"}));
    EXPECT_EQ(values.groups()[1].name, "a");
    EXPECT_EQ(values.groups()[2].name, "a ");
}

}  // namespace
}  // namespace rr::forms
