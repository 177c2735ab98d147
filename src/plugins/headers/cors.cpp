#include "plugins/headers/cors.h"

#include <algorithm>

#include "common/ascii.h"

namespace rr::plugins {

namespace {

/// Origins longer than this are refused without running the regex (std::regex recurses).
constexpr std::size_t kMaxRegexOrigin = 1024;

using ascii::to_lower;

char upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// Comma list → trimmed, non-empty items.
std::vector<std::string_view> split(std::string_view list) {
    std::vector<std::string_view> out;
    while (true) {
        const auto comma = list.find(',');
        const std::string_view item = trim(list.substr(0, comma));
        if (!item.empty()) out.push_back(item);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

/// Go's http.CanonicalHeaderKey for token names: "x-request-id" → "X-Request-Id".
std::string canonical(std::string_view name) {
    std::string out(name);
    bool start = true;
    for (char& c : out) {
        c = start ? upper(c) : to_lower(c);
        start = c == '-';
    }
    return out;
}

std::string_view first(const http::Fields& fields, std::string_view name) {
    const std::string* v = fields.find(name);
    return v ? std::string_view(*v) : std::string_view();
}

}  // namespace

CorsPolicy::CorsPolicy(const CorsConfig& cfg)
    : credentials_(cfg.allow_credentials),
      max_age_(cfg.max_age),
      status_(cfg.options_success_status == 0 ? 200 : cfg.options_success_status) {
    if (!cfg.allowed_origin_regex.empty()) {
        origin_regex_.emplace(cfg.allowed_origin_regex, std::regex::ECMAScript);
    } else {
        const auto origins = split(cfg.allowed_origin);
        all_origins_ = origins.empty();
        for (std::string_view o : origins) {
            std::string l = to_lower(o);
            if (l == "*") {
                all_origins_ = true;
                origins_.clear();
                wildcards_.clear();
                break;
            }
            if (const auto star = l.find('*'); star != std::string::npos) {
                wildcards_.push_back({l.substr(0, star), l.substr(star + 1)});
            } else {
                origins_.push_back(std::move(l));
            }
        }
    }
    const auto methods = split(cfg.allowed_methods);
    if (methods.empty()) {
        methods_ = {"GET", "POST", "HEAD"};
    } else {
        for (std::string_view m : methods) {
            std::string u(m);
            std::transform(u.begin(), u.end(), u.begin(), upper);
            methods_.push_back(std::move(u));
        }
    }
    const auto headers = split(cfg.allowed_headers);
    if (headers.empty()) {
        headers_ = {"accept", "content-type", "x-requested-with"};
    } else {
        for (std::string_view h : headers) {
            if (h == "*") {
                all_headers_ = true;
                headers_.clear();
                break;
            }
            headers_.push_back(to_lower(h));
        }
    }
    for (std::string_view e : split(cfg.exposed_headers)) {
        if (!exposed_.empty()) exposed_ += ", ";
        exposed_ += canonical(e);
    }
}

bool CorsPolicy::is_preflight(std::string_view method, const http::Fields& request) {
    return method == "OPTIONS" && !first(request, "Access-Control-Request-Method").empty();
}

bool CorsPolicy::origin_allowed(std::string_view origin) const {
    if (origin_regex_) {
        if (origin.size() > kMaxRegexOrigin) return false;
        return std::regex_search(origin.begin(), origin.end(), *origin_regex_);
    }
    if (all_origins_) return true;
    const std::string o = to_lower(origin);
    if (std::find(origins_.begin(), origins_.end(), o) != origins_.end()) return true;
    for (const auto& w : wildcards_) {
        if (o.size() >= w.prefix.size() + w.suffix.size() &&
            o.compare(0, w.prefix.size(), w.prefix) == 0 &&
            o.compare(o.size() - w.suffix.size(), w.suffix.size(), w.suffix) == 0) {
            return true;
        }
    }
    return false;
}

bool CorsPolicy::method_allowed(std::string_view method) const {
    if (methods_.empty()) return false;
    if (method == "OPTIONS") return true;
    return std::find(methods_.begin(), methods_.end(), method) != methods_.end();
}

bool CorsPolicy::headers_allowed(const std::vector<std::string_view>& requested) const {
    if (all_headers_) return true;
    for (std::string_view h : requested) {
        if (std::find(headers_.begin(), headers_.end(), to_lower(h)) == headers_.end()) {
            return false;
        }
    }
    return true;
}

std::string_view CorsPolicy::preflight(const http::Fields& request, http::Fields& out) const {
    out.add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    const std::string_view origin = first(request, "Origin");
    if (origin.empty()) return "preflight aborted: empty origin";
    if (!origin_allowed(origin)) return "preflight aborted: origin not allowed";
    const std::string_view method = first(request, "Access-Control-Request-Method");
    if (!method_allowed(method)) return "preflight aborted: method not allowed";
    // Some gateways split Access-Control-Request-Headers into several fields: take them all.
    const auto values = request.all("Access-Control-Request-Headers");
    std::vector<std::string_view> requested;
    for (std::string_view v : values) {
        for (std::string_view h : split(v)) requested.push_back(h);
    }
    if (!values.empty() && !headers_allowed(requested)) {
        return "preflight aborted: headers not allowed";
    }
    out.set("Access-Control-Allow-Origin", all_origins_ ? "*" : std::string(origin));
    out.set("Access-Control-Allow-Methods", std::string(method));
    if (!values.empty() && !values.front().empty()) {
        std::string joined;
        for (std::string_view v : values) {
            if (!joined.empty()) joined += ", ";
            joined.append(v);
        }
        out.set("Access-Control-Allow-Headers", joined);
    }
    if (credentials_) out.set("Access-Control-Allow-Credentials", "true");
    if (max_age_ > 0) out.set("Access-Control-Max-Age", std::to_string(max_age_));
    return {};
}

std::string_view CorsPolicy::actual(std::string_view method, const http::Fields& request,
                                    http::Fields& out) const {
    out.add("Vary", "Origin");
    const std::string_view origin = first(request, "Origin");
    if (origin.empty()) return "no headers added: missing origin";
    if (!origin_allowed(origin)) return "no headers added: origin not allowed";
    if (!method_allowed(method)) return "no headers added: method not allowed";
    out.set("Access-Control-Allow-Origin", all_origins_ ? "*" : std::string(origin));
    if (!exposed_.empty()) out.set("Access-Control-Expose-Headers", exposed_);
    if (credentials_) out.set("Access-Control-Allow-Credentials", "true");
    return {};
}

}  // namespace rr::plugins
