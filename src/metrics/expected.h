#pragma once
// The error type of the metrics module. Metrics errors are answered to PHP over RPC with a text
// (upstream's wording where it has one), so they carry a message rather than an rr::errc.
//
// Thread safety: plain values.

#include <boost/outcome/result.hpp>
#include <string>

namespace rr::metrics {

/// A failed declaration or update, with the message RoadRunner would answer.
struct Error {
    std::string message;
};

/// A value or an Error; value() on an error terminates (a bug), it never throws.
template <class T>
using Expected = boost::outcome_v2::result<T, Error, boost::outcome_v2::policy::terminate>;

using boost::outcome_v2::success;

}  // namespace rr::metrics
