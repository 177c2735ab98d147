#pragma once
// rr::Result<T>: a value or an error_code, for data-path functions (no exceptions there).
// Boost.Outcome ships with Debian's Boost 1.74; std::expected needs C++23 (g++ 12 lacks it).
//
//   Result<Frame> r = decode(bytes);
//   if (!r) { log(r.error().message()); return r.error(); }
//   use(r.value());

#include "common/error.h"

#include <boost/outcome/result.hpp>
#include <boost/outcome/try.hpp>

namespace rr {

namespace outcome = boost::outcome_v2;

/// value() on an error terminates (a bug), it never throws.
template <class T>
using Result = outcome::result<T, boost::system::error_code, outcome::policy::terminate>;

using outcome::success;

}  // namespace rr
