// The `http` section (plugins/http/config.h): defaults and every validation message.

#include <boost/asio/ip/address.hpp>
#include <filesystem>

#include "support/config_text.h"
#include "unit/plugins/load_sections.h"

namespace rr::plugins {
namespace {

using namespace std::chrono_literals;
using config::test::http_doc;
using config::test::TempDir;
using test::load;
using test::load_error;
using test::Loaded;

TEST(Http, Defaults) {
    const Loaded cfg = load(http_doc(""));
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
    EXPECT_EQ(load(http_doc("  max_request_size: 0\n")).http->max_request_size_mb, 1000U);
    EXPECT_EQ(load(http_doc("  max_request_size: 5\n")).http->max_request_size_mb, 5U);
}

TEST(Http, AddressForms) {
    const std::string doc = "version: '3'\nserver:\n  command: a\nhttp:\n  address: ";
    EXPECT_EQ(load(doc + "':8080'\n").http->address->port, 8080);
    EXPECT_EQ(load(doc + "tcp://0.0.0.0:80\n").http->address->host, "0.0.0.0");
    EXPECT_EQ(load(doc + "unix:///tmp/h.sock\n").http->address->kind,
              config::Endpoint::Kind::kUnix);
    EXPECT_EQ(load_error(doc + "localhost\n"),
              "http.address: expected an address such as \"127.0.0.1:8080\", \"tcp://host:port\" "
              "or \"unix:///path.sock\", got \"localhost\"");
}

TEST(Http, NeedsAListener) {
    EXPECT_EQ(load_error("version: '3'\nserver:\n  command: a\nhttp:\n  raw_body: true\n"),
              "http: at least one of address, ssl or fcgi.address is required");
}

TEST(Http, Validation) {
    EXPECT_EQ(load_error(http_doc("  internal_error_code: 600\n")),
              "http.internal_error_code: expected an integer between 0 and 599, got \"600\"");
    EXPECT_EQ(load_error(http_doc("  internal_error_code: 99\n")),
              "http.internal_error_code: expected an integer between 100 and 599, got \"99\"");
    EXPECT_EQ(load_error(http_doc("  max_request_size: big\n")),
              "http.max_request_size: expected a non-negative integer, got \"big\"");
    EXPECT_EQ(load_error(http_doc("  middleware: {a: b}\n")),
              "http.middleware: expected a list of strings, got a map");
    EXPECT_EQ(load_error(http_doc("  uploads:\n    forbid: [[x]]\n")),
              "http.uploads.forbid[0]: expected a string, got a list");
}

TEST(Http, InternalErrorCodeZeroIsDefault) {
    EXPECT_EQ(load(http_doc("  internal_error_code: 0\n")).http->internal_error_code, 500);
    EXPECT_EQ(load(http_doc("  internal_error_code: 503\n")).http->internal_error_code, 503);
}

TEST(Http, MiddlewareAsCommaString) {
    EXPECT_EQ(load(http_doc("  middleware: \"gzip, headers\"\n")).http->middleware,
              (std::vector<std::string>{"gzip", "headers"}));
}

TEST(Http, TrustedSubnetsAreParsed) {
    const Loaded cfg =
        load(http_doc("  trusted_subnets: [\"10.0.0.0/8\", \"192.168.1.77/24\", \"::1/128\", "
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
    EXPECT_EQ(load_error(http_doc("  trusted_subnets: [\"10.0.0.0/8\", \"10.0.0.0\"]\n")),
              "http.trusted_subnets[1]: expected a CIDR such as \"10.0.0.0/8\" or \"::1/128\", "
              "got \"10.0.0.0\"");
    EXPECT_EQ(load_error(http_doc("  trusted_subnets: [\"10.0.0.0/33\"]\n")),
              "http.trusted_subnets[0]: expected a CIDR such as \"10.0.0.0/8\" or \"::1/128\", "
              "got \"10.0.0.0/33\"");
    EXPECT_EQ(load_error(http_doc("  trusted_subnets: [\"host/8\"]\n")),
              "http.trusted_subnets[0]: expected a CIDR such as \"10.0.0.0/8\" or \"::1/128\", "
              "got \"host/8\"");
}

TEST(Http, UploadsExtensionsAreLowerCased) {
    const Loaded cfg =
        load(http_doc("  uploads:\n    dir: /tmp/up\n    forbid: [.PHP, .exe]\n"
                      "    allow: [.JPG]\n"));
    EXPECT_EQ(cfg.http->uploads.dir, "/tmp/up");
    EXPECT_EQ(cfg.http->uploads.forbid, (std::vector<std::string>{".php", ".exe"}));
    EXPECT_EQ(cfg.http->uploads.allow, (std::vector<std::string>{".jpg"}));
}

TEST(Http, Ssl) {
    TempDir dir;
    dir.write("c.pem", "cert");
    dir.write("k.pem", "key");
    config::LoadOptions opts;
    opts.workdir = dir.path().string();
    const std::string base = "version: '3'\nserver:\n  command: a\nhttp:\n  ssl:\n";
    Loaded cfg = load(base + "    cert: c.pem\n    key: k.pem\n", opts);
    ASSERT_TRUE(cfg.http->ssl);
    EXPECT_FALSE(cfg.http->address);
    EXPECT_EQ(cfg.http->ssl->address.host, "127.0.0.1");
    EXPECT_EQ(cfg.http->ssl->address.port, 443);
    EXPECT_FALSE(cfg.http->ssl->redirect);
    EXPECT_EQ(cfg.http->ssl->client_auth_type, ClientAuthType::kNoClientCerts);

    cfg = load(base +
                   "    address: ':8443'\n    redirect: true\n    cert: c.pem\n"
                   "    key: k.pem\n    root_ca: c.pem\n"
                   "    client_auth_type: require_and_verify_client_cert\n",
               opts);
    EXPECT_EQ(cfg.http->ssl->address.port, 8443);
    EXPECT_TRUE(cfg.http->ssl->redirect);
    EXPECT_EQ(cfg.http->ssl->root_ca, "c.pem");
    EXPECT_EQ(cfg.http->ssl->client_auth_type, ClientAuthType::kRequireAndVerifyClientCert);

    cfg = load(base + "    address: ':8443'\n    redirect: false\n" + "  address: 127.0.0.1:80\n",
               opts);
    EXPECT_FALSE(cfg.http->ssl);
    EXPECT_EQ(cfg.warnings,
              (std::vector<std::string>{"http.ssl: neither cert nor key is set; HTTPS disabled"}));
    EXPECT_EQ(load_error(base + "    address: ':8443'\n", opts),
              "http: at least one of address, ssl or fcgi.address is required");
    EXPECT_EQ(load_error(base + "    key: k.pem\n", opts),
              "http.ssl.cert: required (PEM certificate file)");
    EXPECT_EQ(load_error(base + "    cert: c.pem\n", opts),
              "http.ssl.key: required (PEM private key file)");
    EXPECT_EQ(load_error(base + "    cert: nope.pem\n    key: k.pem\n", opts),
              "http.ssl.cert: file \"nope.pem\" does not exist or is not a regular file");
    EXPECT_EQ(
        load_error(base + "    cert: c.pem\n    key: k.pem\n    client_auth_type: maybe\n", opts),
        "http.ssl.client_auth_type: expected one of no_client_certs, request_client_cert, "
        "require_any_client_cert, verify_client_cert_if_given, "
        "require_and_verify_client_cert, got \"maybe\"");
}

TEST(RealWorld, TypicalAppConfigLoads) {
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "public");
    config::LoadOptions opts;
    opts.workdir = dir.path().string();
    const Loaded cfg = load(R"(
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
    // jobs and kv are other plugins' sections (the container warns about them, not the
    // decoders); the middleware subsection `static` belongs to the static plugin.
    EXPECT_TRUE(cfg.warnings.empty());
}

TEST(Http, AcmeIsAcceptedButNeedsCertificates) {
    TempDir dir;
    dir.write("c.pem", "cert");
    dir.write("k.pem", "key");
    config::LoadOptions opts;
    opts.workdir = dir.path().string();
    const std::string base =
        "version: '3'\nserver:\n  command: a\nhttp:\n  ssl:\n"
        "    acme:\n      email: a@b.c\n      domains: [example.com]\n";
    EXPECT_EQ(load_error(base, opts),
              "http.ssl.acme: ACME certificates are not supported by this build; set ssl.cert "
              "and ssl.key");
    const Loaded cfg = load(base + "    cert: c.pem\n    key: k.pem\n", opts);
    ASSERT_TRUE(cfg.http->ssl->acme);
    EXPECT_EQ(cfg.http->ssl->acme->cache_dir, "rr_cache_dir");
    EXPECT_EQ(cfg.http->ssl->acme->challenge_type, "http-01");
    EXPECT_EQ(cfg.warnings.size(), 1U);
    EXPECT_EQ(load_error("version: '3'\nserver:\n  command: a\nhttp:\n  ssl:\n    acme:\n"
                         "      domains: [x]\n",
                         opts),
              "http.ssl.acme.email: required for ACME");
}

TEST(Http, Http2AndUnimplementedFrontends) {
    const Loaded cfg =
        load(http_doc("  http2:\n    h2c: true\n    max_concurrent_streams: 64\n"
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
    const Loaded cfg =
        load(http_doc("  limits:\n    max_header_bytes: 8192\n    read_header_timeout: 10s\n"
                      "    read_timeout: 0\n    write_timeout: 1m\n    idle_timeout: 30s\n"
                      "    max_connections: 1000\n"));
    const auto& l = cfg.http->limits;
    EXPECT_EQ(l.max_header_bytes, 8192U);
    EXPECT_EQ(l.read_header_timeout, 10s);
    EXPECT_EQ(l.read_timeout, 0s);
    EXPECT_EQ(l.write_timeout, 1min);
    EXPECT_EQ(l.idle_timeout, 30s);
    EXPECT_EQ(l.max_connections, 1000U);
    EXPECT_EQ(load_error(http_doc("  limits:\n    max_header_bytes: 100\n")),
              "http.limits.max_header_bytes: expected an integer of at least 1024, got \"100\"");
    EXPECT_EQ(load_error(http_doc("  limits:\n    read_header_timeout: 0s\n")),
              "http.limits.read_header_timeout: must be greater than 0");
}

TEST(Http, MiddlewareSubsectionsAreLeftToTheirPlugins) {
    const Loaded cfg = load(http_doc("  cache:\n    driver: memory\n  static:\n    dir: nope\n"));
    EXPECT_TRUE(cfg.warnings.empty());
}

TEST(Http, RetryPolicyExtension) {
    EXPECT_EQ(load(http_doc("")).http->retry, "idempotent");
    EXPECT_EQ(load(http_doc("  retry: all\n")).http->retry, "all");
    EXPECT_EQ(load(http_doc("  retry: off\n")).http->retry, "off");
    EXPECT_EQ(load_error(http_doc("  retry: sometimes\n")),
              "http.retry: expected one of idempotent, all, off, got \"sometimes\"");
}

TEST(Http, UnknownKeysAreWarnings) {
    const Loaded cfg = load(http_doc("  addres: x\n"));
    EXPECT_EQ(cfg.warnings, (std::vector<std::string>{"http.addres: unknown key; ignored"}));
}

TEST(Http, MiddlewareFromAnOverride) {
    // Octane: -o http.middleware=static (one value is a one-element list).
    config::LoadOptions opts;
    opts.overrides = {"http.middleware=static"};
    EXPECT_EQ(load(http_doc(""), opts).http->middleware, (std::vector<std::string>{"static"}));
}

}  // namespace
}  // namespace rr::plugins
