// config/reader.h: the conversion rules plugins decode with (docs/config.md §2).

#include "config/reader.h"

#include <gtest/gtest.h>

#include "config/tree.h"

namespace rr::config {
namespace {

Node yaml(const std::string& text) {
    // A one-key document; the value under `v` is what the tests read.
    const Node doc = detail::parse_document("v: " + text, "<test>");
    return *doc.find("v");
}

std::string error(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

TEST(Reader, StringListFromCommaStringOrSingleValue) {
    EXPECT_EQ(as_string_list(yaml("a, b,c"), "k"), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(as_string_list(yaml("static"), "k"), (std::vector<std::string>{"static"}));
    EXPECT_EQ(as_string_list(yaml("[x, 'y z']"), "k"), (std::vector<std::string>{"x", "y z"}));
    EXPECT_EQ(error([] { as_string_list(yaml("{a: b}"), "k"); }),
              "k: expected a list of strings, got a map");
}

TEST(Reader, CommandRules) {
    EXPECT_EQ(as_command(yaml("php worker.php"), "c"),
              (std::vector<std::string>{"php", "worker.php"}));
    EXPECT_EQ(as_command(yaml("/usr/bin/php,/app/vendor/bin/roadrunner-worker"), "c"),
              (std::vector<std::string>{"/usr/bin/php", "/app/vendor/bin/roadrunner-worker"}));
    EXPECT_EQ(as_command(yaml("[php, 'my worker.php']"), "c"),
              (std::vector<std::string>{"php", "my worker.php"}));
    EXPECT_EQ(error([] { as_command(yaml("''"), "c"); }), "c: must not be empty");
    EXPECT_EQ(error([] { as_command(yaml("[]"), "c"); }), "c: must not be empty");
}

TEST(Reader, MapsFromListsOfMaps) {
    EXPECT_EQ(as_string_map(yaml("[{A: '1'}, {B: 2}, {A: '3'}]"), "env"),
              (std::map<std::string, std::string>{{"A", "3"}, {"B", "2"}}));
    EXPECT_TRUE(as_string_map(yaml("[]"), "env").empty());
    EXPECT_EQ(as_header_list(yaml("[{X-A: a}, {X-B: b}]"), "h"),
              (HeaderList{{"X-A", "a"}, {"X-B", "b"}}));
    EXPECT_EQ(error([] { as_string_map(yaml("[a]"), "env"); }),
              "env[0]: expected a map of strings, got \"a\"");
    EXPECT_EQ(error([] { as_string_map(yaml("text"), "env"); }),
              "env: expected a map of strings, got \"text\"");
}

TEST(Reader, WeaklyTypedScalars) {
    EXPECT_EQ(as_int(yaml("'42'"), "n", 0, 100), 42);
    EXPECT_EQ(as_int(yaml("4.0"), "n", 0, 100), 4);
    EXPECT_EQ(as_int(yaml("1e2"), "n", 0, 100), 100);
    EXPECT_EQ(error([] { as_int(yaml("4.5"), "n", 0, 100); }),
              "n: expected a non-negative integer, got \"4.5\"");
    EXPECT_EQ(error([] { as_int(yaml("nan"), "n", 0, 100); }),
              "n: expected a non-negative integer, got \"nan\"");
    EXPECT_TRUE(as_bool(yaml("'true'"), "b"));
    EXPECT_TRUE(as_bool(yaml("1"), "b"));
    EXPECT_FALSE(as_bool(yaml("'0'"), "b"));
    EXPECT_EQ(error([] { as_bool(yaml("yes"), "b"); }),
              "b: expected a boolean (true or false), got \"yes\"");
    EXPECT_EQ(as_string(yaml("8080"), "s"), "8080");
}

TEST(Reader, MapReaderWarnsAboutUnknownKeysAndMergesLists) {
    Warnings warnings;
    const DecodeContext ctx{"", &warnings};
    const Node node = yaml("[{a: 1}, {b: two, C: x}]");
    MapReader r(node, "sec", ctx);
    int a = 0;
    std::string b;
    EXPECT_TRUE(r.read_int("a", a));
    EXPECT_TRUE(r.read("B", b));  // case-insensitive
    r.finish();
    EXPECT_EQ(a, 1);
    EXPECT_EQ(b, "two");
    EXPECT_EQ(warnings, (std::vector<std::string>{"sec.C: unknown key; ignored"}));
    EXPECT_EQ(error([&] { MapReader bad(yaml("text"), "sec", ctx); }),
              "sec: expected a map, got \"text\"");
}

TEST(Reader, ZeroDurationKeepsTheDefault) {
    Warnings warnings;
    const DecodeContext ctx{"", &warnings};
    const Node node = yaml("{t: 0, u: 5s}");
    MapReader r(node, "p", ctx);
    Duration t = std::chrono::seconds(60);
    Duration u = std::chrono::seconds(60);
    EXPECT_TRUE(r.read_or_default("t", t));
    EXPECT_TRUE(r.read_or_default("u", u));
    EXPECT_EQ(t, std::chrono::seconds(60));
    EXPECT_EQ(u, std::chrono::seconds(5));
}

}  // namespace
}  // namespace rr::config
