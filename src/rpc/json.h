#pragma once
// Argument decoding and reply encoding for method handlers (docs/rpc.md, "Writing a method").
//
// They follow what a Go method with the same signature does under goridge's codecs:
//  * JSON codec: an empty body or `null` leaves the argument at its default (Go's zero value);
//    a []byte argument or reply is a base64 string (Go's encoding/json);
//  * raw codec: the body is the bytes themselves (only byte arguments/replies make sense);
//  * proto codec: the bytes are an encoded message, which the handler decodes itself.
// Errors are texts that go back to the caller as the call's error.
//
// Thread safety: stateless.

#include <nlohmann/json.hpp>
#include <string>

#include "rpc/expected.h"
#include "rpc/methods.h"

namespace rr::rpc {

/// The JSON argument of a JSON-codec call, parsed (an empty body gives null).
/// Errors: a call in another codec, or a body that is not JSON.
Expected<nlohmann::json> json_body(const Call& call);

/// The argument as T (anything nlohmann::json converts to). Empty body or null gives T{}.
template <class T>
Expected<T> json_argument(const Call& call) {
    auto body = json_body(call);
    if (!body) {
        return Expected<T>::failure(std::move(body).error());
    }
    if (body.value().is_null()) {
        return T{};
    }
    try {
        return body.value().template get<T>();
    } catch (const nlohmann::json::exception& e) {
        return Expected<T>::failure("json: cannot unmarshal the argument of " + call.method + ": " +
                                    e.what());
    }
}

/// A bytes argument: raw and proto calls give the body as is, JSON calls a base64 string
/// (empty body or null: empty bytes).
Expected<std::string> bytes_argument(const Call& call);

/// `value` as the reply of a JSON-codec call; for another codec an error reply saying that
/// the method answers in JSON only. Invalid UTF-8 in strings is replaced (U+FFFD), never thrown.
Reply json_reply(const Call& call, const nlohmann::json& value);

/// Bytes as the reply: as is for raw and proto calls, a base64 JSON string for JSON calls.
Reply bytes_reply(const Call& call, std::string bytes);

/// nlohmann::json::dump without exceptions (invalid UTF-8 replaced).
std::string dump_json(const nlohmann::json& value);

}  // namespace rr::rpc
