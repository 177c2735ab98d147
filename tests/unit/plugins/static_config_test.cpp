// The `http.static` decoder (plugins/static/config.h).

#include <gtest/gtest.h>

#include <filesystem>

#include "config/config.h"
#include "plugins/static/config.h"
#include "support/config_text.h"

namespace rr::plugins {
namespace {

using config::test::TempDir;

struct Decoded {
    StaticConfig cfg;
    config::Warnings warnings;
};

Decoded decode(const std::string& yaml, const std::string& base_dir) {
    const config::Config doc = config::parse_string(
        "version: '3'\nserver:\n  command: php w.php\nhttp:\n  static:\n" + yaml);
    Decoded out;
    const config::DecodeContext ctx{base_dir, &out.warnings};
    out.cfg = decode_static_config(*doc.section("http")->find_nocase("static"), "http.static", ctx);
    return out;
}

std::string error_of(const std::string& yaml, const std::string& base_dir) {
    try {
        (void)decode(yaml, base_dir);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

TEST(StaticConfig, KeysDefaultsAndRelativeDir) {
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "public");
    const auto d = decode(
        "    dir: public\n    forbid: [\"\", .PHP]\n    calculate_etag: true\n"
        "    response: {X-Static: '1'}\n    request: {X-In: a}\n",
        dir.path().string());
    EXPECT_EQ(d.cfg.dir, (dir.path() / "public").string());
    EXPECT_EQ(d.cfg.forbid, (std::vector<std::string>{".php"}));
    EXPECT_TRUE(d.cfg.calculate_etag);
    EXPECT_FALSE(d.cfg.weak);
    EXPECT_EQ(d.cfg.response, (config::HeaderList{{"X-Static", "1"}}));
    EXPECT_EQ(d.cfg.request, (config::HeaderList{{"X-In", "a"}}));
    EXPECT_EQ(d.cfg.symlinks, SymlinkPolicy::kFollow);
    EXPECT_TRUE(d.warnings.empty());
}

TEST(StaticConfig, ErrorsAndWarnings) {
    TempDir dir;
    EXPECT_EQ(error_of("    dir: missing\n", dir.path().string()),
              "http.static.dir: directory \"missing\" does not exist");
    EXPECT_EQ(error_of("    dir: .\n    symlinks: sometimes\n", dir.path().string()),
              "http.static.symlinks: expected one of follow, inside, none, got \"sometimes\"");
    EXPECT_EQ(decode("    dir: .\n    symlinks: inside\n", dir.path().string()).cfg.symlinks,
              SymlinkPolicy::kInside);
    const auto d = decode("    dir: .\n    pattern: x\n", dir.path().string());
    ASSERT_EQ(d.warnings.size(), 1u);
    EXPECT_NE(d.warnings[0].find("http.static.pattern"), std::string::npos);
}

}  // namespace
}  // namespace rr::plugins
