#include "http/mapping.h"

#include <algorithm>
#include <array>
#include <boost/asio/ip/address_v6.hpp>
#include <charconv>

#include "common/percent.h"

namespace rr::http {

namespace ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// Appends `s` to `out` without its CR and LF bytes; no temporary string.
void append_without_crlf(std::string& out, std::string_view s) {
    std::size_t from = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' || s[i] == '\n') {
            out.append(s.substr(from, i - from));
            from = i + 1;
        }
    }
    out.append(s.substr(from));
}

/// Go's validCookieValueByte.
bool valid_cookie_value_byte(unsigned char b) noexcept {
    return b >= 0x20 && b < 0x7f && b != '"' && b != ';' && b != '\\';
}

std::optional<ip::address> parse_ip(std::string_view s) {
    boost::system::error_code ec;
    auto a = ip::make_address(std::string(s), ec);
    if (ec) return std::nullopt;
    return a;
}

/// A node from Forwarded `for=` or a header value: "1.2.3.4", "1.2.3.4:80", "[::1]:80", "::1".
std::optional<std::string> normalise_node(std::string_view v) {
    v = trim(v);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
        v = v.substr(1, v.size() - 2);
    }
    if (!v.empty() && v.front() == '[') {
        auto close = v.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        v = v.substr(1, close - 1);
    } else if (v.find(':') != std::string_view::npos && v.find(':') == v.rfind(':')) {
        v = v.substr(0, v.find(':'));  // IPv4 with a port
    }
    auto a = parse_ip(v);
    if (!a) return std::nullopt;
    return ip_to_string(*a);
}

std::optional<std::string> from_forwarded(std::string_view v) {
    // First element (before ','), first pair named "for" (case-insensitive).
    v = v.substr(0, v.find(','));
    while (!v.empty()) {
        auto semi = v.find(';');
        auto pair = trim(v.substr(0, semi));
        auto eq = pair.find('=');
        if (eq != std::string_view::npos && iequals(trim(pair.substr(0, eq)), "for")) {
            return normalise_node(pair.substr(eq + 1));
        }
        if (semi == std::string_view::npos) break;
        v.remove_prefix(semi + 1);
    }
    return std::nullopt;
}

}  // namespace

void canonicalize_header_key(std::string& name) noexcept {
    for (char c : name) {
        if (!is_token_char(static_cast<unsigned char>(c))) {
            return;
        }
    }
    bool upper = true;
    for (auto& c : name) {
        if (upper && c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - ('a' - 'A'));
        } else if (!upper && c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c + ('a' - 'A'));
        }
        upper = c == '-';
    }
}

std::string canonical_header_key(std::string_view name) {
    std::string out(name);
    canonicalize_header_key(out);
    return out;
}

std::optional<std::string> query_unescape(std::string_view s) {
    std::string out;
    if (!percent_decode(s, out, /*plus_as_space=*/true)) return std::nullopt;
    return out;
}

std::vector<Field> parse_cookies(const std::vector<std::string_view>& headers) {
    std::vector<Field> out;
    for (std::string_view line : headers) {
        line = trim(line);
        while (!line.empty()) {
            auto semi = line.find(';');
            auto part = trim(line.substr(0, semi));
            line = semi == std::string_view::npos ? std::string_view{} : line.substr(semi + 1);
            if (part.empty()) continue;
            auto eq = part.find('=');
            auto name = trim(part.substr(0, eq));
            std::string_view value =
                eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
            if (!is_token(name)) continue;
            if (value.size() > 1 && value.front() == '"' && value.back() == '"') {
                value = value.substr(1, value.size() - 2);
            }
            bool ok = true;
            for (char c : value) {
                if (!valid_cookie_value_byte(static_cast<unsigned char>(c))) {
                    ok = false;
                    break;
                }
            }
            if (!ok) continue;
            auto unescaped = query_unescape(value);
            if (!unescaped) continue;
            // Last one wins, as Go's map assignment in RoadRunner; first-seen position kept.
            auto it = std::find_if(out.begin(), out.end(),
                                   [&](const Field& f) { return f.name == name; });
            if (it != out.end()) {
                it->value = std::move(*unescaped);
            } else {
                out.push_back(Field{std::string(name), std::move(*unescaped)});
            }
        }
    }
    return out;
}

std::string ip_to_string(const ip::address& a) {
    return unmap(a).to_string();
}

std::string raw_query(std::string_view target) {
    std::string out;
    raw_query(target, out);
    return out;
}

void raw_query(std::string_view target, std::string& out) {
    out.clear();
    auto q = target.find('?');
    if (q == std::string_view::npos) return;
    append_without_crlf(out, target.substr(q + 1));
}

std::string build_uri(std::string_view scheme, std::string_view host, std::string_view target) {
    std::string out;
    build_uri(scheme, host, target, out);
    return out;
}

void build_uri(std::string_view scheme, std::string_view host, std::string_view target,
               std::string& out) {
    out.clear();
    auto sep = target.find("://");
    bool absolute = sep != std::string_view::npos && !target.empty() && target.front() != '/';
    if (absolute) {
        append_without_crlf(out, target);
        return;
    }
    out.reserve(scheme.size() + 3 + host.size() + target.size());
    out.append(scheme);
    out.append("://");
    append_without_crlf(out, host);
    append_without_crlf(out, target);
}

std::vector<std::string> default_trusted_headers() {
    return {"Forwarded", "X-Forwarded-For", "X-Real-Ip", "True-Client-Ip", "Cf-Connecting-Ip"};
}

std::optional<std::string> forwarded_client_ip(const Fields& fields,
                                               const std::vector<std::string>& trusted_headers) {
    for (const auto& name : trusted_headers) {
        const std::string* v = fields.find(name);
        if (v == nullptr || trim(*v).empty()) continue;
        std::optional<std::string> ip;
        if (iequals(name, "forwarded")) {
            ip = from_forwarded(*v);
        } else if (iequals(name, "x-forwarded-for")) {
            ip = normalise_node(std::string_view(*v).substr(0, v->find(',')));
        } else {
            ip = normalise_node(*v);
        }
        if (ip) return ip;
    }
    return std::nullopt;
}

bool forwarded_https(const Fields& fields) {
    const std::string* v = fields.find("x-forwarded-proto");
    if (v == nullptr) return false;
    return iequals(trim(std::string_view(*v).substr(0, v->find(','))), "https");
}

void map_request(const RequestHead& head, const ip::address& peer, const MappingOptions& options,
                 MappedRequest& m) {
    map_request(head, peer, ip_to_string(peer), options, m);
}

void map_request(const RequestHead& head, const ip::address& peer, std::string_view peer_text,
                 const MappingOptions& options, MappedRequest& m, bool tls) {
    m.remote_addr.assign(peer_text);
    m.protocol = head.protocol();
    m.method = head.method;
    bool https = options.tls || tls;
    // A unix-socket peer has no address to match against the trusted subnets.
    if (!options.trusted_subnets.empty() && peer_text != kUnixPeerText &&
        in_subnets(options.trusted_subnets, peer)) {
        if (auto client = forwarded_client_ip(head.fields, options.trusted_headers)) {
            m.remote_addr = std::move(*client);
        }
        https = https || forwarded_https(head.fields);
    }
    build_uri(https ? "https" : "http", head.host, head.target, m.uri);
    raw_query(head.target, m.raw_query);
    m.headers.clear();
    m.headers.reserve(head.fields.size());
    for (const auto& f : head.fields) {
        // Go moves Host to r.Host and consumes Transfer-Encoding; neither reaches PHP.
        if (iequals(f.name, "host") || iequals(f.name, "transfer-encoding")) continue;
        m.headers.push_back(FieldView{f.name, f.value});
    }
    m.cookies = parse_cookies(head.fields.all("cookie"));
    m.attributes.clear();
}

MappedRequest map_request(const RequestHead& head, const ip::address& peer,
                          const MappingOptions& options) {
    MappedRequest m;
    map_request(head, peer, options, m);
    return m;
}

}  // namespace rr::http
