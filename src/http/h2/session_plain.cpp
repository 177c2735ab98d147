// h2::Session over a plain TCP or unix-socket stream (h2c).
#include "http/h2/session_impl.h"
#include "http/server/plain_stream.h"

namespace rr::http::h2 {

template class Session<server::PlainStream>;

}  // namespace rr::http::h2
