#pragma once
// Protocol-neutral response facts: reason phrases, which statuses carry no body, the HTTP date.
//
// Thread safety: stateless functions.

#include <string>
#include <string_view>

#include "http/request_head.h"

namespace rr::http {

/// Go's http.StatusText ("" for codes it does not know).
std::string_view reason_phrase(int status) noexcept;

/// True for statuses whose responses never carry a body (1xx, 204, 304).
constexpr bool status_has_no_body(int status) noexcept {
    return status < 200 || status == 204 || status == 304;
}

/// "Sun, 06 Nov 1994 08:49:37 GMT" for the given time_t.
std::string http_date(long long unix_seconds);

}  // namespace rr::http
