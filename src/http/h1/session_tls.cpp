// h1::Session over TLS.
#include "http/h1/session_impl.h"
#include "http/server/tls_stream.h"

namespace rr::http::h1 {

template class Session<server::TlsStream>;

}  // namespace rr::http::h1
