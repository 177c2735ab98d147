// `rr` with one extra plugin whose stop never completes, for the forced-exit and grace-period
// e2e tests. Same CLI and plugin list as the real binary otherwise.
#include "app/plugins.h"
#include "cli/cli.h"

namespace {

class HangOnStopPlugin final : public rr::plugins::Plugin {
public:
    static constexpr std::string_view kName = "hang_on_stop";
    std::string_view name() const noexcept override { return kName; }
    std::vector<std::string_view> sections() const override { return {}; }
    rr::plugins::InitStatus init(rr::plugins::InitContext&) override {
        return rr::plugins::InitStatus::kEnabled;
    }
    void stop(rr::plugins::Deadline, rr::plugins::StopDone done) override {
        held_ = std::move(done);  // never called: simulates a worker pool that will not drain
    }

private:
    rr::plugins::StopDone held_;
};

}  // namespace

int main(int argc, char** argv) {
    return rr::cli::run(argc, argv, [] {
        auto plugins = rr::app::default_plugins();
        plugins.push_back(std::make_unique<HangOnStopPlugin>());
        return plugins;
    });
}
