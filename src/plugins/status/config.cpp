// Decoder of the `status` section (see config.h).

#include "plugins/status/config.h"

#include <algorithm>
#include <cctype>

namespace rr::plugins {

StatusConfig decode_status_config(const config::Node& node, const std::string& path,
                                  const config::DecodeContext& ctx) {
    StatusConfig cfg;
    config::MapReader r(node, path, ctx);
    const config::Node* address = r.take("address");
    if (address == nullptr || (address->is_scalar() && address->scalar.empty())) {
        config::fail(r.child("address"), "required when the status section is present");
    }
    cfg.address = config::as_endpoint(*address, r.child("address"));

    int code = 0;
    if (r.read_int("unavailable_status_code", code, 0, 599) && code != 0) {
        if (code < 100) {
            config::fail_expected(r.child("unavailable_status_code"),
                                  "an integer between 100 and 599",
                                  config::Node::make_scalar(std::to_string(code), false));
        }
        cfg.unavailable_status_code = code;
    }

    if (const config::Node* t = r.take("check_timeout")) {
        // Upstream's type is integer seconds; a Go duration ("30s", as RoadRunner's docs
        // write it) is accepted too and rounded down to whole seconds. 0 keeps the default.
        const std::string key = r.child("check_timeout");
        std::int64_t seconds = 0;
        const bool digits = t->is_scalar() && !t->scalar.empty() &&
                            std::all_of(t->scalar.begin(), t->scalar.end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; });
        if (digits) {
            seconds = config::as_int(*t, key, 0, 86400LL * 365);
        } else {
            seconds = std::chrono::duration_cast<std::chrono::seconds>(config::as_duration(*t, key))
                          .count();
        }
        if (seconds > 0) cfg.check_timeout = std::chrono::seconds(seconds);
    }
    r.finish();
    return cfg;
}

}  // namespace rr::plugins
