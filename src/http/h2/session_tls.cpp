// h2::Session over TLS (ALPN h2).
#include "http/h2/session_impl.h"
#include "http/server/tls_stream.h"

namespace rr::http::h2 {

template class Session<server::TlsStream>;

}  // namespace rr::http::h2
