// Typed sections: defaults and every validation message.

#include <boost/asio/ip/address.hpp>
#include <thread>

#include "test_util.h"

namespace rr::config {
namespace {

using namespace std::chrono_literals;
using test::error_of;
using test::http_doc;
using test::TempDir;

// ------------------------------------------------------------------ server

TEST(Server, StringCommandIsSplitOnWhitespace) {
    const Config cfg = parse_string("version: '3'\nserver:\n  command: \"php  -d x=1\tw.php\"\n");
    EXPECT_EQ(cfg.server->command, (std::vector<std::string>{"php", "-d", "x=1", "w.php"}));
}

TEST(Server, ListCommandIsVerbatim) {
    const Config cfg = parse_string("version: '3'\nserver:\n  command: [php, \"my worker.php\"]\n");
    EXPECT_EQ(cfg.server->command, (std::vector<std::string>{"php", "my worker.php"}));
}

TEST(Server, Defaults) {
    const Config cfg = parse_string("version: '3'\nserver:\n  command: php w.php\n");
    EXPECT_EQ(cfg.server->relay_text, "pipes");
    EXPECT_FALSE(cfg.server->relay);
    EXPECT_TRUE(cfg.server->user.empty());
    EXPECT_TRUE(cfg.server->env.empty());
    EXPECT_FALSE(cfg.server->on_init);
}

TEST(Server, EnvKeysAreUpperCased) {
    const Config cfg = parse_string(
        "version: '3'\nserver:\n  command: php w.php\n  env:\n    app_env: prod\n    Debug: '1'\n");
    EXPECT_EQ(cfg.server->env,
              (std::map<std::string, std::string>{{"APP_ENV", "prod"}, {"DEBUG", "1"}}));
}

TEST(Server, SocketRelays) {
    Config cfg = parse_string(
        "version: '3'\nserver:\n  command: php w.php\n  relay: tcp://127.0.0.1:6002\n");
    ASSERT_TRUE(cfg.server->relay);
    EXPECT_EQ(cfg.server->relay->kind, Endpoint::Kind::kTcp);
    EXPECT_EQ(cfg.server->relay->port, 6002);
    EXPECT_EQ(cfg.server->relay_text, "tcp://127.0.0.1:6002");
    cfg =
        parse_string("version: '3'\nserver:\n  command: php w.php\n  relay: unix:///tmp/rr.sock\n");
    EXPECT_EQ(cfg.server->relay->kind, Endpoint::Kind::kUnix);
    EXPECT_EQ(cfg.server->relay->path, "/tmp/rr.sock");
}

TEST(Server, Validation) {
    EXPECT_EQ(error_of("version: '3'\nserver:\n  user: www\n"),
              "server.command: required (the worker command, e.g. \"php worker.php\")");
    EXPECT_EQ(error_of("version: '3'\nserver:\n  command: ''\n"),
              "server.command: must not be empty");
    EXPECT_EQ(error_of("version: '3'\nserver:\n  command: php w.php\n  relay: sockets\n"),
              "server.relay: expected \"pipes\", \"tcp://host:port\" or \"unix://path\", "
              "got \"sockets\"");
    EXPECT_EQ(error_of("version: '3'\nserver:\n  command: php w.php\n  relay: 127.0.0.1:80\n"),
              "server.relay: expected \"pipes\", \"tcp://host:port\" or \"unix://path\", "
              "got \"127.0.0.1:80\"");
    EXPECT_EQ(error_of("version: '3'\nserver:\n  command: php w.php\n  colour: red\n"),
              "server.colour: unknown key");
    EXPECT_EQ(error_of("version: '3'\nserver:\n  command: php w.php\n  env: [a]\n"),
              "server.env: expected a map of strings, got a list");
}

TEST(Server, RelayTimeoutIsAcceptedAndIgnored) {
    EXPECT_NO_THROW(parse_string(
        "version: '3'\nserver:\n  command: php w.php\n  relay_timeout: 20s\n  group: www\n"));
}

TEST(Server, OnInit) {
    const Config cfg = parse_string(R"(
version: '3'
server:
  command: php w.php
  on_init:
    command: php migrate.php
    exit_on_error: true
    env: {k: v}
    user: app
)");
    ASSERT_TRUE(cfg.server->on_init);
    EXPECT_EQ(cfg.server->on_init->command, (std::vector<std::string>{"php", "migrate.php"}));
    EXPECT_EQ(cfg.server->on_init->exec_timeout, 60s);
    EXPECT_TRUE(cfg.server->on_init->exit_on_error);
    EXPECT_EQ(cfg.server->on_init->env.at("K"), "v");
    EXPECT_EQ(cfg.server->on_init->user, "app");
    EXPECT_EQ(error_of("version: '3'\nserver:\n  command: a\n  on_init:\n    exec_timeout: 1s\n"),
              "server.on_init.command: required when on_init is present");
}

TEST(Server, HttpRequiresServer) {
    EXPECT_EQ(error_of("version: '3'\nhttp:\n  address: 127.0.0.1:8080\n"),
              "server: section required by http (server.command starts the PHP workers)");
}

// ------------------------------------------------------------------ pool

TEST(Pool, DefaultsWhenAbsent) {
    const Config cfg = parse_string(http_doc(""));
    const PoolConfig& p = cfg.http->pool;
    EXPECT_EQ(p.num_workers, std::max(1U, std::thread::hardware_concurrency()));
    EXPECT_EQ(p.max_jobs, 0U);
    EXPECT_EQ(p.max_queue_size, 0U);
    EXPECT_EQ(p.allocate_timeout, 60s);
    EXPECT_EQ(p.reset_timeout, 60s);
    EXPECT_EQ(p.destroy_timeout, 60s);
    EXPECT_EQ(p.stream_timeout, 60s);
    EXPECT_FALSE(p.debug);
    EXPECT_FALSE(p.supervisor);
    EXPECT_FALSE(p.dynamic_allocator);
    EXPECT_TRUE(p.command.empty());
}

TEST(Pool, ExplicitValues) {
    const Config cfg = parse_string(http_doc(R"(  pool:
    command: php other.php
    num_workers: 4
    max_jobs: 100
    max_queue_size: 10
    allocate_timeout: 1m30s
    reset_timeout: 5s
    destroy_timeout: 300ms
    stream_timeout: 2s
    supervisor:
      ttl: 1h
      idle_ttl: 10s
      max_worker_memory: 128
      exec_ttl: 30s
    dynamic_allocator:
      max_workers: 20
      spawn_rate: 2
      idle_timeout: 10s
)"));
    const PoolConfig& p = cfg.http->pool;
    EXPECT_EQ(p.command, (std::vector<std::string>{"php", "other.php"}));
    EXPECT_EQ(p.num_workers, 4U);
    EXPECT_EQ(p.max_jobs, 100U);
    EXPECT_EQ(p.max_queue_size, 10U);
    EXPECT_EQ(p.allocate_timeout, 90s);
    EXPECT_EQ(p.reset_timeout, 5s);
    EXPECT_EQ(p.destroy_timeout, 300ms);
    EXPECT_EQ(p.stream_timeout, 2s);
    ASSERT_TRUE(p.supervisor);
    EXPECT_EQ(p.supervisor->watch_tick, 5s);
    EXPECT_EQ(p.supervisor->ttl, 1h);
    EXPECT_EQ(p.supervisor->idle_ttl, 10s);
    EXPECT_EQ(p.supervisor->max_worker_memory_mb, 128U);
    EXPECT_EQ(p.supervisor->exec_ttl, 30s);
    ASSERT_TRUE(p.dynamic_allocator);
    EXPECT_EQ(p.dynamic_allocator->max_workers, 20U);
    EXPECT_EQ(p.dynamic_allocator->spawn_rate, 2U);
    EXPECT_EQ(p.dynamic_allocator->idle_timeout, 10s);
}

TEST(Pool, BareNumberDurationIsNanoseconds) {
    const Config cfg = parse_string(http_doc("  pool:\n    supervisor:\n      watch_tick: 1\n"));
    EXPECT_EQ(cfg.http->pool.supervisor->watch_tick, 1ns);
}

TEST(Pool, ZeroTimeoutsMeanDefaults) {
    const Config cfg =
        parse_string(http_doc("  pool:\n    allocate_timeout: 0\n"
                              "    dynamic_allocator: {max_workers: 0}\n"));
    EXPECT_EQ(cfg.http->pool.allocate_timeout, 60s);
    EXPECT_EQ(cfg.http->pool.dynamic_allocator->max_workers, 10U);
    EXPECT_EQ(cfg.http->pool.dynamic_allocator->spawn_rate, 5U);
    EXPECT_EQ(cfg.http->pool.dynamic_allocator->idle_timeout, 1min);
}

TEST(Pool, DebugForcesFreshWorkers) {
    const Config cfg =
        parse_string(http_doc("  pool:\n    debug: true\n    num_workers: 4\n    max_jobs: 9\n"
                              "    max_queue_size: 3\n"));
    EXPECT_TRUE(cfg.http->pool.debug);
    EXPECT_EQ(cfg.http->pool.num_workers, 0U);
    EXPECT_EQ(cfg.http->pool.max_jobs, 1U);
    EXPECT_EQ(cfg.http->pool.max_queue_size, 0U);
}

TEST(Pool, Validation) {
    EXPECT_EQ(error_of(http_doc("  pool:\n    num_workers: abc\n")),
              "http.pool.num_workers: expected a non-negative integer, got \"abc\"");
    EXPECT_EQ(error_of(http_doc("  pool:\n    num_workers: -1\n")),
              "http.pool.num_workers: expected an integer between 0 and 500, got \"-1\"");
    EXPECT_EQ(error_of(http_doc("  pool:\n    num_workers: 501\n")),
              "http.pool.num_workers: expected an integer between 0 and 500, got \"501\"");
    EXPECT_EQ(error_of(http_doc("  pool:\n    max_jobs: 1.5\n")),
              "http.pool.max_jobs: expected a non-negative integer, got \"1.5\"");
    EXPECT_EQ(error_of(http_doc("  pool:\n    allocate_timeout: 10 seconds\n")),
              "http.pool.allocate_timeout: expected a duration such as \"60s\", \"1m30s\" or "
              "\"300ms\", got \"10 seconds\"");
    EXPECT_EQ(error_of(http_doc("  pool:\n    destroy_timeout: -5s\n")),
              "http.pool.destroy_timeout: expected a duration such as \"60s\", \"1m30s\" or "
              "\"300ms\", got \"-5s\"");
    EXPECT_EQ(error_of(http_doc("  pool:\n    debug: maybe\n")),
              "http.pool.debug: expected a boolean (true or false), got \"maybe\"");
    EXPECT_EQ(error_of(http_doc("  pool:\n    supervisor:\n      max_memory: 1\n")),
              "http.pool.supervisor.max_memory: unknown key");
    EXPECT_EQ(error_of(http_doc("  pool:\n    dynamic_allocator:\n      max_workers: 101\n")),
              "http.pool.dynamic_allocator.max_workers: expected an integer between 0 and 100, "
              "got \"101\"");
    EXPECT_EQ(error_of(http_doc("  pool:\n    dynamic_allocator:\n      idle_timeout: 10ms\n")),
              "http.pool.dynamic_allocator.idle_timeout: must be at least 1s");
    EXPECT_EQ(error_of(http_doc("  pool: 4\n")), "http.pool: expected a map, got \"4\"");
    EXPECT_EQ(error_of(http_doc("  pool:\n    numworkers: 4\n")),
              "http.pool.numworkers: unknown key");
}

// ------------------------------------------------------------------ http

TEST(Http, Defaults) {
    const Config cfg = parse_string(http_doc(""));
    const HttpConfig& h = *cfg.http;
    EXPECT_EQ(h.address->host, "127.0.0.1");
    EXPECT_EQ(h.internal_error_code, 500);
    EXPECT_FALSE(h.access_logs);
    EXPECT_EQ(h.max_request_size_mb, 1000U);
    EXPECT_FALSE(h.raw_body);
    EXPECT_TRUE(h.middleware.empty());
    EXPECT_FALSE(h.trusted_subnets);
    EXPECT_EQ(h.trusted_headers.size(), 5U);
    EXPECT_TRUE(h.uploads.dir.empty());
    EXPECT_TRUE(h.uploads.forbid.empty());
    EXPECT_FALSE(h.headers);
    EXPECT_FALSE(h.static_files);
    EXPECT_EQ(h.gzip.level, 6);
    EXPECT_EQ(h.gzip.min_size_bytes, 1024U);
    EXPECT_FALSE(h.ssl);
    EXPECT_FALSE(h.http2.h2c);
    EXPECT_EQ(h.http2.max_concurrent_streams, 128U);
    EXPECT_FALSE(h.fcgi);
    EXPECT_EQ(h.limits.max_header_bytes, 1024U * 1024U);
    EXPECT_EQ(h.limits.read_header_timeout, 5min);
    EXPECT_EQ(h.limits.read_timeout, 5min);
    EXPECT_EQ(h.limits.write_timeout, 5min);
    EXPECT_EQ(h.limits.idle_timeout, 1h);
    EXPECT_EQ(h.limits.max_connections, 0U);
    EXPECT_TRUE(cfg.warnings.empty());
}

TEST(Http, MaxRequestSizeZeroMeans1000) {
    EXPECT_EQ(parse_string(http_doc("  max_request_size: 0\n")).http->max_request_size_mb, 1000U);
    EXPECT_EQ(parse_string(http_doc("  max_request_size: 5\n")).http->max_request_size_mb, 5U);
}

TEST(Http, AddressForms) {
    const std::string doc = "version: '3'\nserver:\n  command: a\nhttp:\n  address: ";
    EXPECT_EQ(parse_string(doc + "':8080'\n").http->address->port, 8080);
    EXPECT_EQ(parse_string(doc + "tcp://0.0.0.0:80\n").http->address->host, "0.0.0.0");
    EXPECT_EQ(parse_string(doc + "unix:///tmp/h.sock\n").http->address->kind,
              Endpoint::Kind::kUnix);
    EXPECT_EQ(error_of(doc + "localhost\n"),
              "http.address: expected an address such as \"127.0.0.1:8080\", \"tcp://host:port\" "
              "or \"unix:///path.sock\", got \"localhost\"");
}

TEST(Http, NeedsAListener) {
    EXPECT_EQ(error_of("version: '3'\nserver:\n  command: a\nhttp:\n  raw_body: true\n"),
              "http: at least one of address, ssl or fcgi.address is required");
}

TEST(Http, Validation) {
    EXPECT_EQ(error_of(http_doc("  internal_error_code: 600\n")),
              "http.internal_error_code: expected an integer between 0 and 599, got \"600\"");
    EXPECT_EQ(error_of(http_doc("  internal_error_code: 99\n")),
              "http.internal_error_code: expected an integer between 100 and 599, got \"99\"");
    EXPECT_EQ(error_of(http_doc("  max_request_size: big\n")),
              "http.max_request_size: expected a non-negative integer, got \"big\"");
    EXPECT_EQ(error_of(http_doc("  addres: x\n")), "http.addres: unknown key");
    EXPECT_EQ(error_of(http_doc("  middleware: {a: b}\n")),
              "http.middleware: expected a list of strings, got a map");
    EXPECT_EQ(error_of(http_doc("  uploads:\n    forbid: [[x]]\n")),
              "http.uploads.forbid[0]: expected a string, got a list");
}

TEST(Http, InternalErrorCodeZeroIsDefault) {
    EXPECT_EQ(parse_string(http_doc("  internal_error_code: 0\n")).http->internal_error_code, 500);
    EXPECT_EQ(parse_string(http_doc("  internal_error_code: 503\n")).http->internal_error_code,
              503);
}

TEST(Http, UnknownMiddlewareIsAWarning) {
    const Config cfg = parse_string(http_doc("  middleware: [gzip, zstd]\n"));
    EXPECT_EQ(cfg.http->middleware, (std::vector<std::string>{"gzip", "zstd"}));
    EXPECT_EQ(cfg.warnings,
              (std::vector<std::string>{"http.middleware: unknown middleware \"zstd\"; ignored"}));
}

TEST(Http, MiddlewareAsCommaString) {
    EXPECT_EQ(parse_string(http_doc("  middleware: \"gzip, headers\"\n")).http->middleware,
              (std::vector<std::string>{"gzip", "headers"}));
}

TEST(Http, TrustedSubnetsAreParsed) {
    const Config cfg = parse_string(
        http_doc("  trusted_subnets: [\"10.0.0.0/8\", \"192.168.1.77/24\", \"::1/128\", "
                 "\"fc00::/7\"]\n"));
    ASSERT_TRUE(cfg.http->trusted_subnets);
    const auto& s = *cfg.http->trusted_subnets;
    ASSERT_EQ(s.size(), 4U);
    using boost::asio::ip::make_address;
    EXPECT_TRUE(s[0].contains(make_address("10.1.2.3")));
    EXPECT_FALSE(s[0].contains(make_address("11.0.0.1")));
    EXPECT_TRUE(s[0].contains(make_address("::ffff:10.9.9.9")));
    EXPECT_EQ(s[1].network.to_string(), "192.168.1.0");
    EXPECT_TRUE(s[1].contains(make_address("192.168.1.200")));
    EXPECT_FALSE(s[1].contains(make_address("192.168.2.1")));
    EXPECT_TRUE(s[2].contains(make_address("::1")));
    EXPECT_FALSE(s[2].contains(make_address("127.0.0.1")));
    EXPECT_TRUE(s[3].contains(make_address("fd12::1")));
    EXPECT_FALSE(s[3].contains(make_address("fe80::1")));
}

TEST(Http, TrustedSubnetsValidation) {
    EXPECT_EQ(error_of(http_doc("  trusted_subnets: [\"10.0.0.0/8\", \"10.0.0.0\"]\n")),
              "http.trusted_subnets[1]: expected a CIDR such as \"10.0.0.0/8\" or \"::1/128\", "
              "got \"10.0.0.0\"");
    EXPECT_EQ(error_of(http_doc("  trusted_subnets: [\"10.0.0.0/33\"]\n")),
              "http.trusted_subnets[0]: expected a CIDR such as \"10.0.0.0/8\" or \"::1/128\", "
              "got \"10.0.0.0/33\"");
    EXPECT_EQ(error_of(http_doc("  trusted_subnets: [\"host/8\"]\n")),
              "http.trusted_subnets[0]: expected a CIDR such as \"10.0.0.0/8\" or \"::1/128\", "
              "got \"host/8\"");
}

TEST(Http, UploadsExtensionsAreLowerCased) {
    const Config cfg =
        parse_string(http_doc("  uploads:\n    dir: /tmp/up\n    forbid: [.PHP, .exe]\n"
                              "    allow: [.JPG]\n"));
    EXPECT_EQ(cfg.http->uploads.dir, "/tmp/up");
    EXPECT_EQ(cfg.http->uploads.forbid, (std::vector<std::string>{".php", ".exe"}));
    EXPECT_EQ(cfg.http->uploads.allow, (std::vector<std::string>{".jpg"}));
}

TEST(Http, Headers) {
    const Config cfg = parse_string(http_doc(R"(  headers:
    cors:
      allowed_origin: "*"
      allowed_methods: GET,POST
      allow_credentials: true
      max_age: 600
    request:
      X-Input: custom
    response:
      X-Powered-By: rr
      X-Second: two
)"));
    ASSERT_TRUE(cfg.http->headers);
    const auto& h = *cfg.http->headers;
    ASSERT_TRUE(h.cors);
    EXPECT_EQ(h.cors->allowed_origin, "*");
    EXPECT_EQ(h.cors->allowed_methods, "GET,POST");
    EXPECT_TRUE(h.cors->allow_credentials);
    EXPECT_EQ(h.cors->max_age, 600);
    EXPECT_EQ(h.cors->options_success_status, 200);
    EXPECT_EQ(h.request, (HeaderList{{"X-Input", "custom"}}));
    EXPECT_EQ(h.response, (HeaderList{{"X-Powered-By", "rr"}, {"X-Second", "two"}}));
    EXPECT_EQ(parse_string(http_doc("  headers:\n    cors:\n      options_success_status: 204\n"))
                  .http->headers->cors->options_success_status,
              204);
    EXPECT_EQ(parse_string(http_doc("  headers:\n    cors:\n      options_success_status: 0\n"))
                  .http->headers->cors->options_success_status,
              200);
    EXPECT_EQ(error_of(http_doc("  headers:\n    cors:\n      options_success_status: 99\n")),
              "http.headers.cors.options_success_status: expected an integer between 100 and "
              "599, got \"99\"");
    EXPECT_EQ(error_of(http_doc("  headers:\n    cors:\n      allowed_origins: x\n")),
              "http.headers.cors.allowed_origins: unknown key");
    EXPECT_EQ(error_of(http_doc("  headers:\n    response: [a]\n")),
              "http.headers.response: expected a map of header names to values, got a list");
}

TEST(Http, Static) {
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "public");
    LoadOptions opts;
    opts.workdir = dir.path().string();
    const Config cfg = parse_string(
        http_doc("  static:\n    dir: public\n    forbid: [\"\", .PHP]\n    calculate_etag: true\n"
                 "    response: {X-Static: '1'}\n"),
        opts);
    ASSERT_TRUE(cfg.http->static_files);
    EXPECT_EQ(cfg.http->static_files->dir, "public");
    EXPECT_EQ(cfg.http->static_files->forbid, (std::vector<std::string>{".php"}));
    EXPECT_TRUE(cfg.http->static_files->calculate_etag);
    EXPECT_FALSE(cfg.http->static_files->weak);
    EXPECT_EQ(cfg.http->static_files->response, (HeaderList{{"X-Static", "1"}}));
    EXPECT_EQ(error_of(http_doc("  static:\n    dir: missing\n"), opts),
              "http.static.dir: directory \"missing\" does not exist");
}

TEST(Http, GzipExtension) {
    const Config cfg = parse_string(http_doc("  gzip:\n    level: 9\n    min_size_bytes: 0\n"));
    EXPECT_EQ(cfg.http->gzip.level, 9);
    EXPECT_EQ(cfg.http->gzip.min_size_bytes, 0U);
    EXPECT_EQ(error_of(http_doc("  gzip:\n    level: 0\n")),
              "http.gzip.level: expected an integer between 1 and 9, got \"0\"");
}

TEST(Http, Ssl) {
    TempDir dir;
    dir.write("c.pem", "cert");
    dir.write("k.pem", "key");
    LoadOptions opts;
    opts.workdir = dir.path().string();
    const std::string base = "version: '3'\nserver:\n  command: a\nhttp:\n  ssl:\n";
    Config cfg = parse_string(base + "    cert: c.pem\n    key: k.pem\n", opts);
    ASSERT_TRUE(cfg.http->ssl);
    EXPECT_FALSE(cfg.http->address);
    EXPECT_EQ(cfg.http->ssl->address.host, "127.0.0.1");
    EXPECT_EQ(cfg.http->ssl->address.port, 443);
    EXPECT_FALSE(cfg.http->ssl->redirect);
    EXPECT_EQ(cfg.http->ssl->client_auth_type, ClientAuthType::kNoClientCerts);

    cfg = parse_string(base +
                           "    address: ':8443'\n    redirect: true\n    cert: c.pem\n"
                           "    key: k.pem\n    root_ca: c.pem\n"
                           "    client_auth_type: require_and_verify_client_cert\n",
                       opts);
    EXPECT_EQ(cfg.http->ssl->address.port, 8443);
    EXPECT_TRUE(cfg.http->ssl->redirect);
    EXPECT_EQ(cfg.http->ssl->root_ca, "c.pem");
    EXPECT_EQ(cfg.http->ssl->client_auth_type, ClientAuthType::kRequireAndVerifyClientCert);

    cfg = parse_string(
        base + "    address: ':8443'\n    redirect: false\n" + "  address: 127.0.0.1:80\n", opts);
    EXPECT_FALSE(cfg.http->ssl);
    EXPECT_EQ(cfg.warnings,
              (std::vector<std::string>{"http.ssl: neither cert nor key is set; HTTPS disabled"}));
    EXPECT_EQ(error_of(base + "    address: ':8443'\n", opts),
              "http: at least one of address, ssl or fcgi.address is required");
    EXPECT_EQ(error_of(base + "    key: k.pem\n", opts),
              "http.ssl.cert: required (PEM certificate file)");
    EXPECT_EQ(error_of(base + "    cert: c.pem\n", opts),
              "http.ssl.key: required (PEM private key file)");
    EXPECT_EQ(error_of(base + "    cert: nope.pem\n    key: k.pem\n", opts),
              "http.ssl.cert: file \"nope.pem\" does not exist or is not a regular file");
    EXPECT_EQ(
        error_of(base + "    cert: c.pem\n    key: k.pem\n    client_auth_type: maybe\n", opts),
        "http.ssl.client_auth_type: expected one of no_client_certs, request_client_cert, "
        "require_any_client_cert, verify_client_cert_if_given, "
        "require_and_verify_client_cert, got \"maybe\"");
}

TEST(RealWorld, TypicalAppConfigLoads) {
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "public");
    LoadOptions opts;
    opts.workdir = dir.path().string();
    const Config cfg = parse_string(R"(
version: '3'
rpc:
  listen: tcp://127.0.0.1:6001
server:
  command: "php app.php"
  relay: pipes
http:
  address: 0.0.0.0:8080
  middleware: [ "gzip", "static" ]
  static:
    dir: "public"
    forbid: [ ".php", ".htaccess" ]
  pool:
    num_workers: 1
    supervisor:
      max_worker_memory: 100
jobs:
  pool:
    num_workers: 2
    max_worker_memory: 100
  consume: { }
kv:
  local:
    driver: memory
    config:
      interval: 60
metrics:
  address: localhost:2112
logs:
  level: debug
  mode: development
)",
                                    opts);
    ASSERT_TRUE(cfg.http);
    EXPECT_EQ(cfg.http->pool.supervisor->max_worker_memory_mb, 100U);
    EXPECT_EQ(cfg.warnings.size(), 2U);
}

TEST(Http, AcmeIsAcceptedButNeedsCertificates) {
    TempDir dir;
    dir.write("c.pem", "cert");
    dir.write("k.pem", "key");
    LoadOptions opts;
    opts.workdir = dir.path().string();
    const std::string base =
        "version: '3'\nserver:\n  command: a\nhttp:\n  ssl:\n"
        "    acme:\n      email: a@b.c\n      domains: [example.com]\n";
    EXPECT_EQ(error_of(base, opts),
              "http.ssl.acme: ACME certificates are not supported by this build; set ssl.cert "
              "and ssl.key");
    const Config cfg = parse_string(base + "    cert: c.pem\n    key: k.pem\n", opts);
    ASSERT_TRUE(cfg.http->ssl->acme);
    EXPECT_EQ(cfg.http->ssl->acme->cache_dir, "rr_cache_dir");
    EXPECT_EQ(cfg.http->ssl->acme->challenge_type, "http-01");
    EXPECT_EQ(cfg.warnings.size(), 1U);
    EXPECT_EQ(error_of("version: '3'\nserver:\n  command: a\nhttp:\n  ssl:\n    acme:\n"
                       "      domains: [x]\n",
                       opts),
              "http.ssl.acme.email: required for ACME");
}

TEST(Http, Http2AndUnimplementedFrontends) {
    const Config cfg =
        parse_string(http_doc("  http2:\n    h2c: true\n    max_concurrent_streams: 64\n"
                              "  fcgi:\n    address: tcp://127.0.0.1:7921\n"
                              "  http3:\n    address: 127.0.0.1:443\n"));
    EXPECT_TRUE(cfg.http->http2.h2c);
    EXPECT_EQ(cfg.http->http2.max_concurrent_streams, 64U);
    ASSERT_TRUE(cfg.http->fcgi);
    EXPECT_EQ(cfg.http->fcgi->address.port, 7921);
    EXPECT_TRUE(cfg.http->http3);
    EXPECT_EQ(cfg.warnings.size(), 2U);
}

TEST(Http, LimitsExtension) {
    const Config cfg = parse_string(
        http_doc("  limits:\n    max_header_bytes: 8192\n    read_header_timeout: 10s\n"
                 "    read_timeout: 0\n    write_timeout: 1m\n    idle_timeout: 30s\n"
                 "    max_connections: 1000\n"));
    const auto& l = cfg.http->limits;
    EXPECT_EQ(l.max_header_bytes, 8192U);
    EXPECT_EQ(l.read_header_timeout, 10s);
    EXPECT_EQ(l.read_timeout, 0s);
    EXPECT_EQ(l.write_timeout, 1min);
    EXPECT_EQ(l.idle_timeout, 30s);
    EXPECT_EQ(l.max_connections, 1000U);
    EXPECT_EQ(error_of(http_doc("  limits:\n    max_header_bytes: 100\n")),
              "http.limits.max_header_bytes: expected an integer of at least 1024, got \"100\"");
    EXPECT_EQ(error_of(http_doc("  limits:\n    read_header_timeout: 0s\n")),
              "http.limits.read_header_timeout: must be greater than 0");
}

TEST(Http, UnimplementedMiddlewareConfigIsAWarning) {
    const Config cfg = parse_string(http_doc("  cache:\n    driver: memory\n"));
    EXPECT_EQ(cfg.warnings,
              (std::vector<std::string>{"http.cache: not supported by this build; ignored"}));
}

// ------------------------------------------------------------------ rpc, status, metrics

TEST(Rpc, DefaultsAndValidation) {
    Config cfg = parse_string("version: '3'\nrpc:\n  listen: ''\n");
    ASSERT_TRUE(cfg.rpc);
    EXPECT_EQ(cfg.rpc->listen.text, "tcp://127.0.0.1:6001");
    EXPECT_EQ(cfg.rpc->listen.port, 6001);
    cfg = parse_string("version: '3'\nrpc:\n  listen: unix:///tmp/rr-rpc.sock\n");
    EXPECT_EQ(cfg.rpc->listen.kind, Endpoint::Kind::kUnix);
    EXPECT_EQ(
        error_of("version: '3'\nrpc:\n  listen: 127.0.0.1:6001\n"),
        "rpc.listen: expected \"tcp://host:port\" or \"unix://path\", got \"127.0.0.1:6001\"");
}

TEST(Status, DefaultsAndValidation) {
    Config cfg = parse_string("version: '3'\nstatus:\n  address: 127.0.0.1:2114\n");
    ASSERT_TRUE(cfg.status);
    EXPECT_EQ(cfg.status->address.port, 2114);
    EXPECT_EQ(cfg.status->unavailable_status_code, 503);
    EXPECT_EQ(cfg.status->check_timeout, 60s);
    cfg = parse_string(
        "version: '3'\nstatus:\n  address: ':2114'\n  check_timeout: 30\n"
        "  unavailable_status_code: 500\n");
    EXPECT_EQ(cfg.status->check_timeout, 30s);
    EXPECT_EQ(cfg.status->unavailable_status_code, 500);
    cfg = parse_string("version: '3'\nstatus:\n  address: ':2114'\n  check_timeout: 30s\n");
    EXPECT_EQ(cfg.status->check_timeout, 30s);
    EXPECT_EQ(error_of("version: '3'\nstatus:\n  unavailable_status_code: 503\n"),
              "status.address: required when the status section is present");
    EXPECT_EQ(error_of("version: '3'\nstatus:\n  address: ':1'\n  unavailable_status_code: 42\n"),
              "status.unavailable_status_code: expected an integer between 100 and 599, got "
              "\"42\"");
}

TEST(Metrics, DefaultsAndCollectors) {
    Config cfg = parse_string("version: '3'\nmetrics:\n  collect: {}\n");
    ASSERT_TRUE(cfg.metrics);
    EXPECT_EQ(cfg.metrics->address.text, "127.0.0.1:2112");
    cfg = parse_string(R"(
version: '3'
metrics:
  address: localhost:2113
  collect:
    app_metric:
      type: histogram
      help: "Custom application metric"
      labels: ["type"]
      buckets: [0.1, 0.2, 1.0]
    app_summary:
      type: summary
      namespace: app
      objectives:
        - 0.5: 0.05
        - 0.9: 0.01
)");
    EXPECT_EQ(cfg.metrics->address.port, 2113);
    const auto& h = cfg.metrics->collect.at("app_metric");
    EXPECT_EQ(h.type, MetricCollectorConfig::Type::kHistogram);
    EXPECT_EQ(h.labels, (std::vector<std::string>{"type"}));
    EXPECT_EQ(h.buckets, (std::vector<double>{0.1, 0.2, 1.0}));
    const auto& s = cfg.metrics->collect.at("app_summary");
    EXPECT_EQ(s.namespace_name, "app");
    EXPECT_EQ(s.objectives, (std::map<double, double>{{0.5, 0.05}, {0.9, 0.01}}));
    EXPECT_EQ(error_of("version: '3'\nmetrics:\n  collect:\n    m:\n      help: x\n"),
              "metrics.collect.m.type: required (counter, gauge, histogram or summary)");
    EXPECT_EQ(error_of("version: '3'\nmetrics:\n  collect:\n    m:\n      type: meter\n"),
              "metrics.collect.m.type: expected one of counter, gauge, histogram, summary, got "
              "\"meter\"");
    EXPECT_EQ(error_of("version: '3'\nmetrics:\n  collect:\n    m:\n      type: histogram\n"
                       "      buckets: [0.1, x]\n"),
              "metrics.collect.m.buckets[1]: expected a number, got \"x\"");
}

// ------------------------------------------------------------------ logs, endure

TEST(Logs, DefaultsWhenAbsent) {
    const Config cfg = parse_string("version: '3'\n");
    EXPECT_EQ(cfg.logs.mode, LogMode::kDevelopment);
    EXPECT_EQ(cfg.logs.level, LogLevel::kDebug);
    EXPECT_FALSE(cfg.logs.encoding);
    EXPECT_EQ(cfg.logs.line_ending, "\n");
    EXPECT_EQ(cfg.logs.output, (std::vector<std::string>{"stderr"}));
    EXPECT_EQ(cfg.logs.err_output, (std::vector<std::string>{"stderr"}));
    EXPECT_FALSE(cfg.logs.file_logger_options);
    EXPECT_TRUE(cfg.logs.channels.empty());
    EXPECT_EQ(&cfg.logs.for_channel("http"), static_cast<const LogSettings*>(&cfg.logs));
}

TEST(Logs, ChannelsInheritTheRoot) {
    const Config cfg = parse_string(R"(
version: '3'
logs:
  mode: production
  level: error
  output: stdout
  line_ending: ""
  file_logger_options:
    log_output: /tmp/rr.log
    max_age: 0
  channels:
    http:
      level: info
    server:
      mode: raw
      encoding: console
)");
    EXPECT_EQ(cfg.logs.mode, LogMode::kProduction);
    EXPECT_EQ(cfg.logs.level, LogLevel::kError);
    EXPECT_EQ(cfg.logs.output, (std::vector<std::string>{"stdout"}));
    EXPECT_EQ(cfg.logs.line_ending, "\n");
    ASSERT_TRUE(cfg.logs.file_logger_options);
    EXPECT_EQ(cfg.logs.file_logger_options->log_output, "/tmp/rr.log");
    EXPECT_EQ(cfg.logs.file_logger_options->max_size_mb, 100U);
    EXPECT_EQ(cfg.logs.file_logger_options->max_age_days, 24U);
    EXPECT_EQ(cfg.logs.file_logger_options->max_backups, 10U);
    const LogSettings& http = cfg.logs.for_channel("http");
    EXPECT_EQ(http.level, LogLevel::kInfo);
    EXPECT_EQ(http.mode, LogMode::kProduction);
    EXPECT_EQ(http.output, (std::vector<std::string>{"stdout"}));
    const LogSettings& server = cfg.logs.for_channel("server");
    EXPECT_EQ(server.mode, LogMode::kRaw);
    EXPECT_EQ(server.level, LogLevel::kError);
    EXPECT_EQ(server.encoding, LogEncoding::kConsole);
    EXPECT_EQ(cfg.logs.for_channel("rpc").level, LogLevel::kError);
}

TEST(Logs, NoneIsOff) {
    EXPECT_EQ(parse_string("version: '3'\nlogs:\n  mode: none\n").logs.mode, LogMode::kOff);
    EXPECT_EQ(parse_string("version: '3'\nlogs:\n  mode: off\n").logs.mode, LogMode::kOff);
}

TEST(Logs, Validation) {
    EXPECT_EQ(error_of("version: '3'\nlogs:\n  mode: verbose\n"),
              "logs.mode: expected one of development, production, raw, off, none, got "
              "\"verbose\"");
    EXPECT_EQ(error_of("version: '3'\nlogs:\n  level: trace\n"),
              "logs.level: expected one of debug, info, warn, error, panic, got \"trace\"");
    EXPECT_EQ(error_of("version: '3'\nlogs:\n  encoding: xml\n"),
              "logs.encoding: expected \"console\" or \"json\", got \"xml\"");
    EXPECT_EQ(error_of("version: '3'\nlogs:\n  channels:\n    http:\n      levle: info\n"),
              "logs.channels.http.levle: unknown key");
}

TEST(Endure, DefaultsAndValues) {
    Config cfg = parse_string("version: '3'\n");
    EXPECT_EQ(cfg.endure.grace_period, 30s);
    EXPECT_EQ(cfg.endure.log_level, LogLevel::kError);
    EXPECT_FALSE(cfg.endure.print_graph);
    EXPECT_EQ(cfg.endure.watchdog_sec, 0U);
    cfg = parse_string(
        "version: '3'\nendure:\n  grace_period: 5s\n  log_level: info\n"
        "  watchdog_sec: 10\n  print_graph: true\n");
    EXPECT_EQ(cfg.endure.grace_period, 5s);
    EXPECT_EQ(cfg.endure.log_level, LogLevel::kInfo);
    EXPECT_TRUE(cfg.endure.print_graph);
    EXPECT_EQ(cfg.endure.watchdog_sec, 10U);
    EXPECT_EQ(error_of("version: '3'\nendure:\n  grace_period: soon\n"),
              "endure.grace_period: expected a duration such as \"60s\", \"1m30s\" or \"300ms\", "
              "got \"soon\"");
}

}  // namespace
}  // namespace rr::config
