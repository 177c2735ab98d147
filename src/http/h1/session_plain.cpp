// h1::Session over a plain TCP or unix-socket stream.
#include "http/h1/session_impl.h"
#include "http/server/plain_stream.h"

namespace rr::http::h1 {

template class Session<server::PlainStream>;

}  // namespace rr::http::h1
