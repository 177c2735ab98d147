// File-level mechanics: version, include, JSON, unknown sections, raw_json.

#include <nlohmann/json.hpp>

#include "support/config_text.h"

namespace rr::config {
namespace {

using test::error_of;
using test::TempDir;
using test::value_at;

TEST(Version, StringThreeLoads) {
    EXPECT_EQ(parse_string("version: \"3\"\n").version, "3");
    EXPECT_EQ(parse_string("version: '3'\n").version, "3");
}

TEST(Version, IntegerIsRejectedWithTheKey) {
    EXPECT_EQ(error_of("version: 3\n"),
              "version: expected the string \"3\" (quote it: version: \"3\"), got \"3\"");
    EXPECT_EQ(error_of("version: 2.7\n"),
              "version: expected the string \"3\" (quote it: version: \"3\"), got \"2.7\"");
}

TEST(Version, MissingIsAnError) {
    EXPECT_EQ(error_of("rpc:\n  listen: tcp://127.0.0.1:6001\n"),
              "version: required; add version: \"3\"");
    EXPECT_EQ(error_of(""), "version: required; add version: \"3\"");
}

TEST(Version, UnsupportedValueIsAnError) {
    EXPECT_EQ(error_of("version: \"4\"\n"),
              "version: unsupported configuration version \"4\"; expected \"3\"");
    EXPECT_EQ(error_of("version: \"2.6\"\n"),
              "version: unsupported configuration version \"2.6\"; expected \"3\"");
}

TEST(Version, PreviousVersionLoadsWithAWarning) {
    const Config cfg = parse_string("version: \"2.7\"\n");
    EXPECT_EQ(cfg.version, "2.7");
    ASSERT_EQ(cfg.warnings.size(), 1U);
    EXPECT_NE(cfg.warnings[0].find("deprecated"), std::string::npos);
}

TEST(Document, SyntaxErrorNamesTheSource) {
    const std::string err = error_of("version: \"3\"\nhttp: [unclosed\n");
    EXPECT_EQ(err.rfind("<string>: invalid YAML/JSON:", 0), 0U) << err;
}

TEST(Document, NonMapDocumentIsAnError) {
    EXPECT_EQ(error_of("- a\n- b\n"), "<string>: the document must be a map of sections");
}

TEST(Document, MissingFileIsAnError) {
    LoadOptions opts;
    opts.path = "/nonexistent/rr/.rr.yaml";
    try {
        (void)load(opts);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(
            std::string(e.what()).rfind("cannot read config file \"/nonexistent/rr/.rr.yaml\"", 0),
            0U)
            << e.what();
    }
}

TEST(Document, DirectoryIsNotAConfigFile) {
    TempDir dir;
    LoadOptions opts;
    opts.path = dir.path().string();
    try {
        (void)load(opts);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "cannot read config file \"" + opts.path + "\": it is a directory");
    }
}

TEST(Document, JsonConfigLoads) {
    TempDir dir;
    const std::string path = dir.write("rr.json", R"({
	"version": "3",
	"server": {"command": ["php", "worker.php"], "relay": "pipes"},
	"http": {
		"address": "127.0.0.1:8080",
		"middleware": ["gzip"],
		"pool": {"num_workers": 2, "allocate_timeout": "10s", "supervisor": {"exec_ttl": "5s"}}
	},
	"rpc": {"listen": "tcp://127.0.0.1:6001"}
})");
    LoadOptions opts;
    opts.path = path;
    const Config cfg = load(opts);
    EXPECT_EQ(value_at(cfg, "server.command[1]"), "worker.php");
    EXPECT_EQ(value_at(cfg, "http.pool.num_workers"), "2");
    EXPECT_EQ(value_at(cfg, "http.pool.allocate_timeout"), "10s");
    EXPECT_EQ(value_at(cfg, "http.pool.supervisor.exec_ttl"), "5s");
    EXPECT_NE(cfg.section("rpc"), nullptr);
}

TEST(Document, JsonIntegerVersionIsRejected) {
    EXPECT_EQ(error_of(R"({"version": 3})"),
              "version: expected the string \"3\" (quote it: version: \"3\"), got \"3\"");
}

TEST(Document, YamlAnchorsAndMergeKeys) {
    const Config cfg = parse_string(R"(
version: "3"
x-pool: &pool
  num_workers: 3
  max_jobs: 50
server:
  command: php w.php
http:
  address: 127.0.0.1:8080
  pool:
    <<: *pool
    max_jobs: 7
)");
    EXPECT_EQ(value_at(cfg, "http.pool.num_workers"), "3");
    EXPECT_EQ(value_at(cfg, "http.pool.max_jobs"), "7");
    EXPECT_TRUE(cfg.warnings.empty());  // x-pool: the container warns (unowned section)
}

TEST(Include, MergedOverRootInOrder) {
    TempDir dir;
    dir.write("a.yaml",
              "version: \"3\"\n"
              "http:\n  address: 127.0.0.1:1111\n  pool:\n    num_workers: 2\n"
              "rpc:\n  listen: tcp://127.0.0.1:7001\n");
    dir.write("b.yaml",
              "version: \"3\"\n"
              "http:\n  address: 127.0.0.1:2222\n");
    const std::string root = dir.write(".rr.yaml",
                                       "version: \"3\"\n"
                                       "include: [a.yaml, b.yaml]\n"
                                       "server:\n  command: php w.php\n"
                                       "http:\n  address: 127.0.0.1:1000\n"
                                       "  pool:\n    max_jobs: 9\n    num_workers: 1\n");
    LoadOptions opts;
    opts.path = root;
    const Config cfg = load(opts);
    EXPECT_EQ(value_at(cfg, "http.address"), "127.0.0.1:2222");  // b.yaml wins (last)
    EXPECT_EQ(value_at(cfg, "http.pool.num_workers"), "2");      // a.yaml over root
    EXPECT_EQ(value_at(cfg, "http.pool.max_jobs"), "9");         // root kept (deep merge)
    EXPECT_EQ(value_at(cfg, "rpc.listen"), "tcp://127.0.0.1:7001");
}

TEST(Include, SpaceSeparatedStringFromOverride) {
    TempDir dir;
    dir.write("a.yaml", "version: \"3\"\nrpc:\n  listen: tcp://127.0.0.1:7001\n");
    dir.write("b.yaml", "version: \"3\"\nrpc:\n  listen: tcp://127.0.0.1:7002\n");
    const std::string root = dir.write(".rr.yaml", "version: \"3\"\n");
    LoadOptions opts;
    opts.path = root;
    opts.overrides = {"include=\"a.yaml b.yaml\""};
    const Config cfg = load(opts);
    EXPECT_EQ(value_at(cfg, "rpc.listen"), "tcp://127.0.0.1:7002");
}

TEST(Include, ResolvedAgainstWorkdir) {
    TempDir dir;
    dir.write("conf/extra.yaml", "version: \"3\"\nrpc:\n  listen: tcp://127.0.0.1:7003\n");
    LoadOptions opts;
    opts.workdir = (dir.path() / "conf").string();
    const Config cfg = parse_string("version: \"3\"\ninclude:\n  - extra.yaml\n", opts);
    EXPECT_EQ(value_at(cfg, "rpc.listen"), "tcp://127.0.0.1:7003");
}

TEST(Include, OverridesWinOverIncludedFiles) {
    TempDir dir;
    dir.write("a.yaml", "version: \"3\"\nrpc:\n  listen: tcp://127.0.0.1:7001\n");
    LoadOptions opts;
    opts.workdir = dir.path().string();
    opts.overrides = {"rpc.listen=tcp://127.0.0.1:7777"};
    const Config cfg = parse_string("version: \"3\"\ninclude: [a.yaml]\n", opts);
    EXPECT_EQ(value_at(cfg, "rpc.listen"), "tcp://127.0.0.1:7777");
}

TEST(Include, EnvIsExpandedInIncludedFiles) {
    TempDir dir;
    test::ScopedEnv port("RR_T_INC_PORT", "7004");
    dir.write("a.yaml", "version: \"3\"\nrpc:\n  listen: tcp://127.0.0.1:${RR_T_INC_PORT}\n");
    LoadOptions opts;
    opts.workdir = dir.path().string();
    EXPECT_EQ(value_at(parse_string("version: \"3\"\ninclude: [a.yaml]\n", opts), "rpc.listen"),
              "tcp://127.0.0.1:7004");
}

TEST(Include, VersionMustMatch) {
    TempDir dir;
    const std::string a = dir.write("a.yaml", "version: \"2.7\"\n");
    LoadOptions opts;
    opts.workdir = dir.path().string();
    EXPECT_EQ(error_of("version: \"3\"\ninclude: [a.yaml]\n", opts),
              "include: \"" + a + "\" has version \"2.7\" but the root config has \"3\"");
}

TEST(Include, IncludedFileNeedsAVersion) {
    TempDir dir;
    const std::string a = dir.write("a.yaml", "rpc:\n  listen: tcp://127.0.0.1:1\n");
    LoadOptions opts;
    opts.workdir = dir.path().string();
    EXPECT_EQ(error_of("version: \"3\"\ninclude: [a.yaml]\n", opts),
              "version: required; add version: \"3\" (in " + a + ")");
}

TEST(Include, MissingFileIsAnError) {
    TempDir dir;
    LoadOptions opts;
    opts.workdir = dir.path().string();
    const std::string err = error_of("version: \"3\"\ninclude: [nope.yaml]\n", opts);
    EXPECT_EQ(err.rfind("cannot read included file \"" + (dir.path() / "nope.yaml").string(), 0),
              0U)
        << err;
}

TEST(Sections, OtherSectionsAreLeftToThePlugins) {
    // Only logs and endure are decoded by the loader; the container warns about sections no
    // plugin owns (app/container.h), so the loader itself says nothing about them.
    const Config cfg = parse_string(R"(
version: "3"
jobs:
  consume: [a]
htpp:
  address: x
)");
    EXPECT_TRUE(cfg.warnings.empty());
    EXPECT_EQ(cfg.section_names(), (std::vector<std::string>{"jobs", "htpp"}));
}

TEST(Sections, AbsentSectionsAreNull) {
    const Config cfg = parse_string("version: \"3\"\n");
    EXPECT_EQ(cfg.section("server"), nullptr);
    EXPECT_EQ(cfg.section("http"), nullptr);
    EXPECT_TRUE(cfg.warnings.empty());
}

TEST(Sections, EmptySectionBodyIsAbsent) {
    const Config cfg = parse_string("version: \"3\"\nrpc:\n");
    EXPECT_EQ(cfg.section("rpc"), nullptr);
}

TEST(Sections, KeysMatchCaseInsensitively) {
    const Config cfg = parse_string("version: \"3\"\nRPC:\n  Listen: tcp://127.0.0.1:6009\n");
    const Node* rpc = cfg.section("rpc");
    ASSERT_NE(rpc, nullptr);
    ASSERT_NE(rpc->find_nocase("listen"), nullptr);
    EXPECT_EQ(rpc->find_nocase("listen")->scalar, "tcp://127.0.0.1:6009");
}

TEST(RawJson, HoldsTheMergedExpandedTree) {
    test::ScopedEnv port("RR_T_JSON_PORT", "6123");
    LoadOptions opts;
    opts.overrides = {"http.pool.num_workers=4"};
    const Config cfg = parse_string(test::http_doc("  raw_body: true\n  max_request_size: 10\n") +
                                        "rpc:\n  listen: tcp://127.0.0.1:${RR_T_JSON_PORT}\n",
                                    opts);
    const auto j = nlohmann::json::parse(cfg.raw_json);
    EXPECT_EQ(j["version"], "3");
    EXPECT_EQ(j["http"]["raw_body"], true);
    EXPECT_EQ(j["http"]["max_request_size"], 10);
    EXPECT_EQ(j["http"]["pool"]["num_workers"], "4");
    EXPECT_EQ(j["rpc"]["listen"], "tcp://127.0.0.1:6123");
}

TEST(RawJson, InvalidUtf8BecomesTheReplacementCharacter) {
    // Found by fuzz/config: the JSON writer threw out of loading. Go's json.Marshal (upstream's
    // rpc.Config) writes U+FFFD for each invalid byte; so do we.
    const Config cfg = parse_string(
        "version: \"3\"\nx: \"a\xa0"
        "b\"\n");
    const auto j = nlohmann::json::parse(cfg.raw_json);
    EXPECT_EQ(j["x"],
              "a\xef\xbf\xbd"
              "b");
}

}  // namespace
}  // namespace rr::config
