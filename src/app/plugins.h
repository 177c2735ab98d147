#pragma once
// The explicit plugin list (as RoadRunner's container/plugins.go). No reflection, no
// string-keyed type lookup: adding a plugin means adding one line in plugins.cpp.

#include <memory>
#include <vector>

#include "plugins/api/plugin.h"

namespace rr::app {

/// A fresh instance of every plugin this build ships, in registration order.
std::vector<std::unique_ptr<plugins::Plugin>> default_plugins();

}  // namespace rr::app
