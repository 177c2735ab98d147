#include "plugins/status/checks.h"

#include <fmt/format.h>

#include <optional>

#include "common/json_string.h"
#include "common/percent.h"

namespace rr::plugins {

namespace {

constexpr std::string_view kPlainText = "text/plain; charset=utf-8";
constexpr std::string_view kJson = "application/json";

/// Go's http.Error: the text and a newline, as plain text.
StatusAnswer plain_error(int status, std::string_view text) {
    return {status, std::string(kPlainText), std::string(text) + "\n"};
}

struct Report {
    std::string_view plugin;
    std::string_view error;
    int status = 0;
};

void append_report(std::string& out, const Report& r) {
    if (out.size() > 1) out += ',';
    out += "{\"plugin_name\":";
    append_json_string(out, r.plugin, kGoJsonString);
    out += ",\"error_message\":";
    append_json_string(out, r.error, kGoJsonString);
    out += fmt::format(",\"status_code\":{}}}", r.status);
}

/// Upstream's classification of one plugin's answer. Returns false when the plugin is not OK.
bool classify(std::optional<int> code, bool all_form, int unavailable, Report& r) {
    if (!code) {
        r.error = all_form ? "plugin is not available, returned nil" : "plugin is not available";
        r.status = unavailable;
        return false;
    }
    if (*code >= 500) {
        r.error = "internal server error, see logs";
        r.status = unavailable;
        return false;
    }
    r.status = *code;
    if (*code >= 100 && *code <= 400) return true;
    r.error = "unexpected status code";
    return true;  // upstream reports it but keeps the answer's status
}

}  // namespace

std::vector<std::string> plugin_params(std::string_view raw_query) {
    std::vector<std::string> out;
    std::string key;
    std::string value;
    while (!raw_query.empty()) {
        const std::size_t amp = raw_query.find('&');
        std::string_view pair = raw_query.substr(0, amp);
        raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
        if (pair.empty() || pair.find(';') != std::string_view::npos) continue;
        const std::size_t eq = pair.find('=');
        const std::string_view k = pair.substr(0, eq);
        const std::string_view v =
            eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        if (!percent_decode(k, key, true) || !percent_decode(v, value, true)) continue;
        if (key == "plugin") out.push_back(value);
    }
    return out;
}

StatusAnswer answer_probe(ProbeKind kind, const std::vector<StatusTarget>& targets,
                          const std::vector<std::string>& queried, bool shutting_down,
                          int unavailable_status_code) {
    if (shutting_down) {
        // Health stays 200 so an orchestrator does not kill a draining instance; readiness
        // turns unavailable so load balancers stop sending new work.
        return plain_error(kind == ProbeKind::kHealth ? 200 : unavailable_status_code,
                           "service is shutting down");
    }
    auto check = [&](const StatusTarget& t, bool all_form, std::string& body) {
        Report r;
        r.plugin = t.name;
        const std::optional<int> code =
            kind == ProbeKind::kHealth ? t.provider->health_status() : t.provider->ready_status();
        const bool ok = classify(code, all_form, unavailable_status_code, r);
        append_report(body, r);
        return ok;
    };

    StatusAnswer answer{200, std::string(kJson), "["};
    bool all_ok = true;
    if (queried.empty()) {
        for (const StatusTarget& t : targets) all_ok = check(t, true, answer.body) && all_ok;
    } else {
        for (const std::string& name : queried) {
            for (const StatusTarget& t : targets) {
                if (t.name == name) {
                    all_ok = check(t, false, answer.body) && all_ok;
                    break;
                }
            }
        }
    }
    answer.body += ']';
    if (!all_ok) answer.status = unavailable_status_code;
    return answer;
}

StatusAnswer answer_status_request(std::string_view target,
                                   const std::vector<StatusTarget>& targets, bool shutting_down,
                                   int unavailable_status_code) {
    const std::size_t q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view query =
        q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    if (path == "/health" || path == "/ready") {
        return answer_probe(path == "/health" ? ProbeKind::kHealth : ProbeKind::kReady, targets,
                            plugin_params(query), shutting_down, unavailable_status_code);
    }
    if (path == "/jobs") {
        return plain_error(unavailable_status_code,
                           shutting_down ? "service is shutting down" : "jobs plugin not found");
    }
    return plain_error(404, "404 page not found");
}

}  // namespace rr::plugins
