#pragma once
// The `server` plugin (BEHAVIOUR.md §1.1). For now a placeholder: enabled when the `server`
// section exists, it checks the section and logs what workers would run. The worker factory
// (spawning pools for http and others) moves in here when the pool module lands.
//
// Thread safety: main io_context thread only (plugin contract).

#include "app/plugin.h"

namespace rr::app {

class ServerPlugin final : public Plugin {
public:
    static constexpr std::string_view kName = "server";

    std::string_view name() const noexcept override { return kName; }
    /// Disabled without a `server` section; throws config::ConfigError for an empty command.
    InitStatus init(InitContext& ctx) override;
};

}  // namespace rr::app
