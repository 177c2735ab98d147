#pragma once
// Serialising HTTP/1.x response heads into one buffer (sent together with the body in one
// write).
//
// Header names from handlers are checked (tokens only; others are skipped, as Go's
// Header.Write does) and CR/LF in values are replaced by spaces, so a worker cannot split a
// response. Thread safety: stateless functions.

#include <string>
#include <string_view>

#include "http/fields.h"
#include "http/status.h"

namespace rr::http::h1 {

/// "HTTP/1.1 200 OK\r\n" (or HTTP/1.0); an unknown code gets the reason "status code N",
/// as Go writes it.
void append_status_line(std::string& out, int status, bool http11);

/// "Name: value\r\n" with the checks above. Returns false (and appends nothing) for a bad name.
bool append_field(std::string& out, std::string_view name, std::string_view value);

/// A complete error response ("400 Bad Request" text body, Connection: close).
std::string make_error_response(int status, bool http11, std::string_view date);

}  // namespace rr::http::h1
