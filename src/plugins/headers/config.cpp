// Decoder of the `http.headers` section (see config.h).

#include "plugins/headers/config.h"

#include <regex>

namespace rr::plugins {

HeadersConfig decode_headers_config(const config::Node& v, const std::string& path,
                                    const config::DecodeContext& ctx) {
    HeadersConfig cfg;
    config::MapReader r(v, path, ctx);
    if (const config::Node* cv = r.take("cors")) {
        CorsConfig cors;
        config::MapReader cr(*cv, r.child("cors"), ctx);
        cr.read("allowed_origin", cors.allowed_origin);
        cr.read("allowed_origin_regex", cors.allowed_origin_regex);
        cr.read("allowed_headers", cors.allowed_headers);
        cr.read("allowed_methods", cors.allowed_methods);
        cr.read("allow_credentials", cors.allow_credentials);
        cr.read("exposed_headers", cors.exposed_headers);
        cr.read_int("max_age", cors.max_age, 0);
        int status = 0;
        if (cr.read_int("options_success_status", status, 0, 599) && status != 0) {
            if (status < 100) {
                config::fail_expected(cr.child("options_success_status"),
                                      "an integer between 100 and 599",
                                      config::Node::make_scalar(std::to_string(status), false));
            }
            cors.options_success_status = status;
        }
        cr.read("debug", cors.debug);
        cr.finish();
        if (!cors.allowed_origin_regex.empty()) {
            try {
                std::regex re(cors.allowed_origin_regex, std::regex::ECMAScript);
            } catch (const std::regex_error& e) {
                config::fail(cr.child("allowed_origin_regex"),
                             std::string("invalid regular expression: ") + e.what());
            }
        }
        cfg.cors = std::move(cors);
    }
    r.read("request", cfg.request);
    r.read("response", cfg.response);
    r.finish();
    return cfg;
}

}  // namespace rr::plugins
