// Decoder of the `http` section (see config.h).

#include "plugins/http/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <optional>

#include "common/cidr.h"

namespace rr::plugins {

using config::as_endpoint;
using config::as_string;
using config::as_string_list;
using config::DecodeContext;
using config::fail;
using config::fail_expected;
using config::MapReader;
using config::Node;
using config::parse_endpoint;

namespace {

namespace fs = std::filesystem;

std::vector<std::string> lower_all(std::vector<std::string> in) {
    for (auto& s : in) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    return in;
}

void require_file(const DecodeContext& ctx, const std::string& key_path, const std::string& p) {
    std::error_code ec;
    if (!fs::is_regular_file(ctx.resolve(p), ec)) {
        fail(key_path, "file \"" + p + "\" does not exist or is not a regular file");
    }
}

/// An optional HTTP status key: absent or 0 keeps `out` (the default), otherwise 100..599.
void read_status(MapReader& r, std::string_view key, int& out) {
    int status = 0;
    if (r.read_int(key, status, 0, 599) && status != 0) {
        if (status < 100) {
            fail_expected(r.child(key), "an integer between 100 and 599",
                          Node::make_scalar(std::to_string(status), false));
        }
        out = status;
    }
}

rr::Cidr parse_subnet(const Node& v, const std::string& path) {
    const std::string text = as_string(v, path);
    auto subnet = rr::parse_cidr(text);
    if (!subnet) {
        fail_expected(path, "a CIDR such as \"10.0.0.0/8\" or \"::1/128\"", v);
    }
    return *subnet;
}

UploadsConfig decode_uploads(const Node& v, const std::string& path, const DecodeContext& ctx) {
    UploadsConfig cfg;
    MapReader r(v, path, ctx);
    r.read("dir", cfg.dir);
    r.read("forbid", cfg.forbid);
    r.read("allow", cfg.allow);
    r.finish();
    cfg.forbid = lower_all(std::move(cfg.forbid));
    cfg.allow = lower_all(std::move(cfg.allow));
    return cfg;
}

ClientAuthType parse_client_auth(const Node& v, const std::string& path) {
    const std::string s = as_string(v, path);
    if (s == "no_client_certs" || s.empty()) {
        return ClientAuthType::kNoClientCerts;
    }
    if (s == "request_client_cert") {
        return ClientAuthType::kRequestClientCert;
    }
    if (s == "require_any_client_cert") {
        return ClientAuthType::kRequireAnyClientCert;
    }
    if (s == "verify_client_cert_if_given") {
        return ClientAuthType::kVerifyClientCertIfGiven;
    }
    if (s == "require_and_verify_client_cert") {
        return ClientAuthType::kRequireAndVerifyClientCert;
    }
    fail_expected(path,
                  "one of no_client_certs, request_client_cert, require_any_client_cert, "
                  "verify_client_cert_if_given, require_and_verify_client_cert",
                  v);
}

/// nullopt when the section sets neither cert, key nor acme: upstream then runs no HTTPS.
std::optional<SslConfig> decode_ssl(const Node& v, const std::string& path,
                                    const DecodeContext& ctx) {
    SslConfig cfg;
    cfg.address = *parse_endpoint("127.0.0.1:443");
    MapReader r(v, path, ctx);
    if (const Node* a = r.take("address")) {
        cfg.address = as_endpoint(*a, r.child("address"));
    }
    r.read("redirect", cfg.redirect);
    r.read("cert", cfg.cert);
    r.read("key", cfg.key);
    r.read("root_ca", cfg.root_ca);
    if (cfg.root_ca.empty()) {
        r.read("rootca", cfg.root_ca);  // pre-v3 spelling `rootCa`
    } else {
        r.ignore("rootca");
    }
    if (const Node* c = r.take("client_auth_type")) {
        cfg.client_auth_type = parse_client_auth(*c, r.child("client_auth_type"));
    }
    if (const Node* av = r.take("acme")) {
        AcmeConfig acme;
        MapReader ar(*av, r.child("acme"), ctx);
        ar.read("cache_dir", acme.cache_dir);
        if (!ar.read("certs_dir", acme.cache_dir)) {  // the schema's name for the same key
            ar.ignore("certs_dir");
        }
        ar.read("email", acme.email);
        ar.read("domains", acme.domains);
        ar.read("challenge_type", acme.challenge_type);
        ar.read_int("alt_http_port", acme.alt_http_port);
        ar.read_int("alt_tlsalpn_port", acme.alt_tlsalpn_port);
        ar.read("use_production_endpoint", acme.use_production_endpoint);
        ar.finish();
        if (acme.email.empty()) {
            fail(ar.child("email"), "required for ACME");
        }
        if (acme.domains.empty()) {
            fail(ar.child("domains"), "at least one domain is required for ACME");
        }
        if (acme.challenge_type != "http-01" && acme.challenge_type != "tlsalpn-01") {
            fail_expected(ar.child("challenge_type"), "\"http-01\" or \"tlsalpn-01\"",
                          Node::make_scalar(acme.challenge_type, true));
        }
        cfg.acme = std::move(acme);
    }
    r.finish();

    if (cfg.acme) {
        if (cfg.cert.empty() || cfg.key.empty()) {
            fail(r.child("acme"),
                 "ACME certificates are not supported by this build; set ssl.cert and ssl.key");
        }
        ctx.warn(r.child("acme") +
                 ": not supported by this build; ignored (cert and key are used)");
    }
    if (cfg.cert.empty() && cfg.key.empty() && !cfg.acme) {
        ctx.warn(path + ": neither cert nor key is set; HTTPS disabled");
        return std::nullopt;
    }
    if (cfg.cert.empty()) {
        fail(r.child("cert"), "required (PEM certificate file)");
    }
    if (cfg.key.empty()) {
        fail(r.child("key"), "required (PEM private key file)");
    }
    require_file(ctx, r.child("cert"), cfg.cert);
    require_file(ctx, r.child("key"), cfg.key);
    if (!cfg.root_ca.empty()) {
        require_file(ctx, r.child("root_ca"), cfg.root_ca);
    }
    return cfg;
}

Http2Config decode_http2(const Node& v, const std::string& path, const DecodeContext& ctx) {
    Http2Config cfg;
    MapReader r(v, path, ctx);
    r.read("h2c", cfg.h2c);
    std::uint32_t streams = 0;
    if (r.read_int("max_concurrent_streams", streams) && streams != 0) {
        cfg.max_concurrent_streams = streams;  // 0 = default, as upstream
    }
    r.finish();
    return cfg;
}

HttpLimitsConfig decode_limits(const Node& v, const std::string& path, const DecodeContext& ctx) {
    HttpLimitsConfig cfg;
    MapReader r(v, path, ctx);
    r.read_int("max_header_bytes", cfg.max_header_bytes, 1024);
    r.read("read_header_timeout", cfg.read_header_timeout);
    r.read("read_timeout", cfg.read_timeout);
    r.read("write_timeout", cfg.write_timeout);
    r.read("idle_timeout", cfg.idle_timeout);
    r.read_int("max_connections", cfg.max_connections);
    r.finish();
    if (cfg.read_header_timeout.count() == 0) {
        fail(r.child("read_header_timeout"), "must be greater than 0");
    }
    return cfg;
}

}  // namespace

std::size_t default_io_threads(unsigned cores) noexcept {
    if (cores <= 2) return 1;
    return std::min<std::size_t>(cores / 4 == 0 ? 1 : cores / 4, 8);
}

HttpConfig decode_http_config(const Node& v, const std::string& path, const DecodeContext& ctx) {
    HttpConfig cfg;
    MapReader r(v, path, ctx);

    if (const Node* a = r.take("address"); a != nullptr && !(a->is_scalar() && a->scalar.empty())) {
        cfg.address = as_endpoint(*a, r.child("address"));
    }
    read_status(r, "internal_error_code", cfg.internal_error_code);
    r.read("access_logs", cfg.access_logs);
    std::uint64_t mb = 0;
    if (r.read_int("max_request_size", mb)) {
        cfg.max_request_size_mb = mb == 0 ? 1000 : mb;  // upstream: 0 ⇒ 1000 MB, not "no limit"
    }
    r.read("raw_body", cfg.raw_body);
    if (const Node* retry = r.take("retry")) {
        cfg.retry = as_string(*retry, r.child("retry"));
        if (cfg.retry != "idempotent" && cfg.retry != "all" && cfg.retry != "off") {
            fail_expected(r.child("retry"), "one of idempotent, all, off", *retry);
        }
    }
    r.read_int("io_threads", cfg.io_threads, 0, 1024);
    r.read("middleware", cfg.middleware);
    if (const Node* ts = r.take("trusted_subnets")) {
        const std::string p = r.child("trusted_subnets");
        std::vector<rr::Cidr> subnets;
        if (ts->is_seq()) {
            for (std::size_t i = 0; i < ts->items.size(); ++i) {
                subnets.push_back(parse_subnet(ts->items[i], p + "[" + std::to_string(i) + "]"));
            }
        } else {
            for (const auto& s : as_string_list(*ts, p)) {
                subnets.push_back(parse_subnet(Node::make_scalar(s, true), p));
            }
        }
        cfg.trusted_subnets = std::move(subnets);
    }
    cfg.trusted_headers = {"Forwarded", "X-Forwarded-For", "X-Real-IP", "True-Client-IP",
                           "CF-Connecting-IP"};
    r.read("trusted_headers", cfg.trusted_headers);

    if (const Node* u = r.take("uploads")) {
        cfg.uploads = decode_uploads(*u, r.child("uploads"), ctx);
    }
    if (const Node* s = r.take("ssl")) {
        cfg.ssl = decode_ssl(*s, r.child("ssl"), ctx);
    }
    if (const Node* h2 = r.take("http2")) {
        cfg.http2 = decode_http2(*h2, r.child("http2"), ctx);
    }
    if (const Node* h3 = r.take("http3")) {
        Http3Config h3cfg;
        MapReader hr(*h3, r.child("http3"), ctx);
        hr.read("address", h3cfg.address);
        hr.read("cert", h3cfg.cert);
        hr.read("key", h3cfg.key);
        hr.finish();
        cfg.http3 = std::move(h3cfg);
        ctx.warn(r.child("http3") +
                 ": HTTP/3 is not supported by this build; "
                 "ignored");
    }
    if (const Node* f = r.take("fcgi")) {
        MapReader fr(*f, r.child("fcgi"), ctx);
        std::string addr;
        const Node* a = fr.take("address");
        fr.finish();
        if (a != nullptr && !(a->is_scalar() && a->scalar.empty())) {
            FcgiConfig fc;
            fc.address = as_endpoint(*a, fr.child("address"));
            cfg.fcgi = std::move(fc);
            ctx.warn(r.child("fcgi") +
                     ": the FastCGI frontend is not supported "
                     "by this build; ignored");
        }
    }
    if (const Node* l = r.take("limits")) {
        cfg.limits = decode_limits(*l, r.child("limits"), ctx);
    }
    if (const Node* p = r.take("pool")) {
        cfg.pool = decode_pool(*p, r.child("pool"), ctx);
    } else {
        cfg.pool = decode_pool(Node{}, r.child("pool"), ctx);
    }
    // Subsections owned by middleware plugins (decoded there, or warned about by the http
    // plugin when no plugin of that name exists).
    for (std::string_view key : kMiddlewareSections) {
        r.ignore(key);
    }
    r.finish();

    if (!cfg.address && !cfg.ssl && !cfg.fcgi) {
        fail(path, "at least one of address, ssl or fcgi.address is required");
    }
    return cfg;
}

}  // namespace rr::plugins
