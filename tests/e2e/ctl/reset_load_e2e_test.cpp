// E2E load test (issue 11, "resets that fail nothing"): clients keep sending requests over
// keep-alive connections while the real `rr reset` runs 5 times. Every request must succeed,
// every reset must replace every worker, and rr's log says how long each reset took. Bounded:
// 5 resets, each with a deadline; loopback only. The figures go to the test output (and to the
// test's XML properties) for the record; nothing asserts on timing.
#include <atomic>
#include <condition_variable>
#include <iomanip>
#include <mutex>
#include <regex>
#include <thread>

#include "e2e/ctl/ctl_fixture.h"

namespace rr::e2e {
namespace {

constexpr int kClients = 4;
constexpr int kResets = 5;
constexpr int kWorkers = 3;

struct Load {
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> ok{0};
    std::atomic<std::uint64_t> failed{0};
    std::mutex mu;
    std::condition_variable progress;   // notified after every answered request
    std::vector<std::string> failures;  // the first few, for the message
};

/// One client: keep-alive requests one after the other until told to stop; a failed request
/// (no complete 200 within the timeout, or a connection error) is counted and the connection
/// replaced.
void client_loop(std::uint16_t port, int id, Load& load) {
    std::unique_ptr<RawClient> c;
    std::uint64_t n = 0;
    while (!load.stop.load()) {
        try {
            if (!c) c = std::make_unique<RawClient>(port);
        } catch (const std::exception& e) {
            ++load.failed;
            std::lock_guard lock(load.mu);
            if (load.failures.size() < 5) load.failures.push_back(e.what());
            continue;
        }
        const std::string path = "/c" + std::to_string(id) + "/" + std::to_string(n++);
        ++load.sent;
        const bool sent = c->send("GET " + path + " HTTP/1.1\r\nHost: load\r\n\r\n");
        const auto r = sent ? c->read_final(kTimeout * 2) : std::nullopt;
        if (r && r->status == 200 && r->body.find("\"pid\"") != std::string::npos) {
            ++load.ok;
            load.progress.notify_all();
            continue;
        }
        ++load.failed;
        {
            std::lock_guard lock(load.mu);
            if (load.failures.size() < 5) {
                load.failures.push_back(path + ": " +
                                        (r ? "status " + std::to_string(r->status) + " " + r->body
                                           : std::string(sent ? "no response" : "send failed")));
            }
        }
        load.progress.notify_all();
        c.reset();
    }
}

class ResetUnderLoad : public CtlE2E {};

TEST_F(ResetUnderLoad, FiveResetsFailNoRequestAndReplaceEveryWorker) {
    ASSERT_NO_FATAL_FAILURE(start(CtlScenario().workers(kWorkers)));
    Load load;
    // Joined on every way out of the test (a failed assertion or an exception too).
    struct Clients {
        Load& load;
        std::vector<std::thread> threads;
        ~Clients() { join(); }
        void join() {
            load.stop = true;
            for (auto& t : threads) {
                if (t.joinable()) t.join();
            }
        }
    } clients{load, {}};
    for (int i = 0; i < kClients; ++i) {
        clients.threads.emplace_back([this, i, &load] { client_loop(http_port_, i, load); });
    }
    auto wait_progress = [&](std::uint64_t from, std::uint64_t by) {
        const auto deadline = Clock::now() + kTimeout;
        auto done = [&] { return load.ok.load() >= from + by || load.failed.load() > 0; };
        while (!done() && Clock::now() < deadline) {
            {
                std::unique_lock lock(load.mu);
                load.progress.wait_for(lock, milliseconds(20), done);
            }
            rr_->drain();  // keeps rr's stderr pipe from filling up while we wait
        }
        return load.ok.load() >= from + by;
    };
    EXPECT_TRUE(wait_progress(0, 50)) << "the load never got going";

    std::vector<double> cli_seconds;
    std::vector<std::uint64_t> served_during;
    for (int i = 0; i < kResets && !HasFailure(); ++i) {
        SCOPED_TRACE("reset " + std::to_string(i + 1));
        const auto before = worker_pids();
        const std::uint64_t ok_before = load.ok.load();
        const auto started = Clock::now();
        const CliRun run = cli({"reset", "-s"});
        cli_seconds.push_back(std::chrono::duration<double>(Clock::now() - started).count());
        served_during.push_back(load.ok.load() - ok_before);
        EXPECT_EQ(run.code, 0) << run.err;
        EXPECT_EQ(run.err, "");
        const auto after = worker_pids();
        EXPECT_EQ(after.size(), static_cast<std::size_t>(kWorkers));
        for (auto pid : after) EXPECT_FALSE(before.count(pid)) << "worker " << pid << " survived";
        // Load keeps flowing between resets too (and proves the new workers serve).
        EXPECT_TRUE(wait_progress(load.ok.load(), 20));
    }
    clients.join();
    rr_->drain();

    // rr's own record of each reset ("plugin http reset in 0.123s", the resetter's log line).
    std::vector<std::string> logged;
    static const std::regex line(R"(plugin http reset in ([0-9.]+s))");
    for (std::sregex_iterator it(rr_->err().begin(), rr_->err().end(), line), end; it != end;
         ++it) {
        logged.push_back((*it)[1]);
    }
    EXPECT_EQ(logged.size(), static_cast<std::size_t>(kResets)) << rr_->err();

    std::ostringstream figures;
    figures << "requests sent " << load.sent << ", ok " << load.ok << ", failed " << load.failed
            << " (" << kClients << " keep-alive clients, " << kWorkers << " workers); resets:";
    for (std::size_t i = 0; i < cli_seconds.size(); ++i) {
        figures << " #" << i + 1 << " cli " << std::fixed << std::setprecision(3) << cli_seconds[i]
                << "s, rr log " << (i < logged.size() ? logged[i] : "?") << ", " << served_during[i]
                << " requests served meanwhile;";
    }
    std::cout << "[ figures  ] " << figures.str() << "\n";
    RecordProperty("figures", figures.str());

    EXPECT_GT(load.ok.load(), 0u);
    EXPECT_EQ(load.failed.load(), 0u) << [&] {
        std::string all;
        for (const auto& f : load.failures) all += f + "\n";
        return all;
    }();
}

}  // namespace
}  // namespace rr::e2e
