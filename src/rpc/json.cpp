#include "rpc/json.h"

#include "rpc/base64.h"

namespace rr::rpc {

namespace {

std::string wrong_codec(const Call& call, std::string_view wanted) {
    return "rpc: " + call.method + " takes a " + std::string(wanted) +
           " argument, the call used the " + std::string(codec_name(call.codec)) + " codec";
}

}  // namespace

std::string dump_json(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Expected<nlohmann::json> json_body(const Call& call) {
    if (call.codec != Codec::kJson) {
        return Expected<nlohmann::json>::failure(wrong_codec(call, "json"));
    }
    if (call.body.empty()) {
        return nlohmann::json(nullptr);
    }
    auto parsed = nlohmann::json::parse(call.body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
        return Expected<nlohmann::json>::failure("json: the argument of " + call.method +
                                                 " is not valid JSON");
    }
    return parsed;
}

Expected<std::string> bytes_argument(const Call& call) {
    if (call.codec == Codec::kRaw || call.codec == Codec::kProto) {
        return call.body;
    }
    auto body = json_body(call);
    if (!body) {
        return Expected<std::string>::failure(std::move(body).error());
    }
    if (body.value().is_null()) {
        return std::string();
    }
    if (!body.value().is_string()) {
        return Expected<std::string>::failure("json: the argument of " + call.method +
                                              " must be a base64 string");
    }
    auto decoded = base64_decode(body.value().get_ref<const std::string&>());
    if (!decoded) {
        return Expected<std::string>::failure("json: the argument of " + call.method +
                                              " is not valid base64");
    }
    return std::move(*decoded);
}

Reply json_reply(const Call& call, const nlohmann::json& value) {
    if (call.codec != Codec::kJson) {
        return Reply::failure("rpc: " + call.method + " answers in json only, the call used the " +
                              std::string(codec_name(call.codec)) + " codec");
    }
    return Reply::success(dump_json(value));
}

Reply bytes_reply(const Call& call, std::string bytes) {
    if (call.codec == Codec::kJson) {
        return Reply::success("\"" + base64_encode(bytes) + "\"");
    }
    return Reply::success(std::move(bytes));
}

}  // namespace rr::rpc
