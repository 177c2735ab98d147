// Environment expansion, --dotenv, envfile and -o overrides.

#include "support/config_text.h"

namespace rr::config {
namespace {

using test::error_of;
using test::ScopedEnv;
using test::TempDir;
using test::value_at;

TEST(ExpandEnv, BracedAndBareForms) {
    ScopedEnv a("RR_T_HOST", "10.0.0.1");
    ScopedEnv b("RR_T_PORT", "9000");
    EXPECT_EQ(expand_env("${RR_T_HOST}:$RR_T_PORT"), "10.0.0.1:9000");
    EXPECT_EQ(expand_env("tcp://$RR_T_HOST/x"), "tcp://10.0.0.1/x");
}

TEST(ExpandEnv, DefaultAppliesWhenUnsetOrEmpty) {
    ScopedEnv unset("RR_T_UNSET", nullptr);
    ScopedEnv empty("RR_T_EMPTY", "");
    ScopedEnv set("RR_T_SET", "value");
    EXPECT_EQ(expand_env("tcp://127.0.0.1:${RR_T_UNSET:-36643}"), "tcp://127.0.0.1:36643");
    EXPECT_EQ(expand_env("${RR_T_EMPTY:-fallback}"), "fallback");
    EXPECT_EQ(expand_env("${RR_T_SET:-fallback}"), "value");
    EXPECT_EQ(expand_env("${RR_T_UNSET:-}"), "");
    EXPECT_EQ(expand_env("${RR_T_UNSET:-a b:c}"), "a b:c");
}

TEST(ExpandEnv, SeveralReferencesInOneString) {
    ScopedEnv a("RR_T_A", "x");
    ScopedEnv b("RR_T_B", nullptr);
    EXPECT_EQ(expand_env("${RR_T_A} ${RR_T_B:-y} $RR_T_A"), "x y x");
}

TEST(ExpandEnv, UnknownVariableIsEmpty) {
    ScopedEnv unset("RR_T_NOPE", nullptr);
    EXPECT_EQ(expand_env("a${RR_T_NOPE}b"), "ab");
    EXPECT_EQ(expand_env("a$RR_T_NOPE"), "a");
}

TEST(ExpandEnv, DollarWithoutNameIsLiteral) {
    EXPECT_EQ(expand_env("price $5"), "price $5");
    EXPECT_EQ(expand_env("end$"), "end$");
    EXPECT_EQ(expand_env("a $ b"), "a $ b");
    EXPECT_EQ(expand_env("${unterminated"), "${unterminated");
    EXPECT_EQ(expand_env("no vars"), "no vars");
}

TEST(ExpandEnv, OnlyColonDashIsADefault) {
    ScopedEnv unset("RR_T_UNSET", nullptr);
    // ":=" is not implemented upstream either: the whole text is taken as the name.
    EXPECT_EQ(expand_env("${RR_T_UNSET:=x}"), "");
}

TEST(LoadEnv, ExpandsEveryStringValueAndListItem) {
    ScopedEnv port("RR_T_PORT", "8089");
    ScopedEnv mw("RR_T_MW", "gzip");
    ScopedEnv workers("RR_T_WORKERS", "3");
    ScopedEnv unset("RR_T_UNSET", nullptr);
    const Config cfg = parse_string(R"(
version: "3"
server:
  command: "php ${RR_T_UNSET:-worker.php}"
  env:
    port: $RR_T_PORT
http:
  address: 127.0.0.1:${RR_T_PORT}
  middleware: ["${RR_T_MW}", headers]
  pool:
    num_workers: ${RR_T_WORKERS}
)");
    EXPECT_EQ(value_at(cfg, "http.address"), "127.0.0.1:8089");
    EXPECT_EQ(value_at(cfg, "http.middleware[0]"), "gzip");
    EXPECT_EQ(value_at(cfg, "http.middleware[1]"), "headers");
    EXPECT_EQ(value_at(cfg, "http.pool.num_workers"), "3");
    EXPECT_EQ(value_at(cfg, "server.command"), "php worker.php");
    EXPECT_EQ(value_at(cfg, "server.env.port"), "8089");
}

TEST(LoadEnv, DotenvFileIsLoadedBeforeParsing) {
    TempDir dir;
    ScopedEnv a("RR_T_DOTENV_ADDR", nullptr);
    ScopedEnv b("RR_T_DOTENV_KEEP", "from-process");
    ScopedEnv c("RR_T_DOTENV_Q", nullptr);
    const std::string env = dir.write(".env",
                                      "# comment\n"
                                      "RR_T_DOTENV_ADDR=127.0.0.1:7070\n"
                                      "export RR_T_DOTENV_KEEP=from-file\n"
                                      "RR_T_DOTENV_Q=\"quoted value\"\n");
    LoadOptions opts;
    opts.dotenv = env;
    const Config cfg = parse_string(
        "version: '3'\nserver:\n  command: php w.php\nhttp:\n  address: ${RR_T_DOTENV_ADDR}\n",
        opts);
    EXPECT_EQ(value_at(cfg, "http.address"), "127.0.0.1:7070");
    EXPECT_STREQ(std::getenv("RR_T_DOTENV_KEEP"), "from-process");  // existing vars kept
    EXPECT_STREQ(std::getenv("RR_T_DOTENV_Q"), "quoted value");
}

TEST(LoadEnv, MissingDotenvFileIsAnError) {
    LoadOptions opts;
    opts.dotenv = "/nonexistent/rr/.env";
    EXPECT_EQ(error_of("version: \"3\"\n", opts), "--dotenv: cannot read \"/nonexistent/rr/.env\"");
}

TEST(LoadEnv, EnvfileKeyLoadsFileNextToTheConfig) {
    TempDir dir;
    ScopedEnv a("RR_T_ENVFILE_CMD", nullptr);
    dir.write("app.env", "RR_T_ENVFILE_CMD=php envfile.php\n");
    const std::string path = dir.write(".rr.yaml",
                                       "version: '3'\n"
                                       "envfile: app.env\n"
                                       "server:\n  command: ${RR_T_ENVFILE_CMD}\n");
    LoadOptions opts;
    opts.path = path;
    const Config cfg = load(opts);
    EXPECT_EQ(value_at(cfg, "server.command"), "php envfile.php");
}

TEST(Overrides, SetScalarsCreatingMaps) {
    LoadOptions opts;
    opts.overrides = {"http.pool.num_workers=7", "rpc.listen=tcp://127.0.0.1:6011",
                      "http.address=\"127.0.0.1:9999\""};
    const Config cfg = parse_string(test::http_doc(""), opts);
    EXPECT_EQ(value_at(cfg, "http.pool.num_workers"), "7");
    EXPECT_EQ(value_at(cfg, "http.address"), "127.0.0.1:9999");
    EXPECT_EQ(value_at(cfg, "rpc.listen"), "tcp://127.0.0.1:6011");
}

TEST(Overrides, AcceptFlowCollections) {
    LoadOptions opts;
    opts.overrides = {"http.middleware=[gzip, headers]", "server.env={a: b}"};
    const Config cfg = parse_string(test::http_doc(""), opts);
    EXPECT_EQ(value_at(cfg, "http.middleware[0]"), "gzip");
    EXPECT_EQ(value_at(cfg, "http.middleware[1]"), "headers");
    EXPECT_EQ(value_at(cfg, "server.env.a"), "b");
}

TEST(Overrides, ValuesAreEnvExpanded) {
    ScopedEnv w("RR_T_OV", nullptr);
    LoadOptions opts;
    opts.overrides = {"http.pool.num_workers=${RR_T_OV:-5}"};
    EXPECT_EQ(value_at(parse_string(test::http_doc(""), opts), "http.pool.num_workers"), "5");
}

TEST(Overrides, SetVersionAsString) {
    LoadOptions opts;
    opts.overrides = {"version=3"};
    EXPECT_EQ(parse_string("version: 3\n", opts).version, "3");
}

TEST(Overrides, MalformedOverridesAreErrors) {
    LoadOptions opts;
    opts.overrides = {"http.address"};
    EXPECT_EQ(error_of(test::http_doc(""), opts),
              "-o: invalid override \"http.address\", expected key.path=value");
    opts.overrides = {"=x"};
    EXPECT_EQ(error_of(test::http_doc(""), opts), "-o: invalid override \"=x\": the key is empty");
    opts.overrides = {"http.address="};
    EXPECT_EQ(error_of(test::http_doc(""), opts),
              "-o: invalid override \"http.address=\": the value is empty");
    opts.overrides = {"http..address=x"};
    EXPECT_EQ(error_of(test::http_doc(""), opts),
              "-o: invalid override key \"http..address\": empty path segment");
}

}  // namespace
}  // namespace rr::config
