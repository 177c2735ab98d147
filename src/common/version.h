#pragma once
#include <string_view>

namespace rr {
/// Our own release.
inline constexpr std::string_view kVersion = "0.1.0";
/// The RoadRunner line we are wire- and config-compatible with; given to workers as RR_VERSION.
inline constexpr std::string_view kCompatVersion = "2024.3.5";
}  // namespace rr
