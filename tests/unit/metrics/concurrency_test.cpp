// Updates from several threads while another thread scrapes: every scrape parses strictly, and
// the totals after the threads join are exact.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "metrics/registry.h"
#include "support/prom_text_parser.h"

namespace rr::metrics {
namespace {

constexpr int kThreads = 4;
constexpr int kPerThread = 20000;

TEST(Concurrency, UpdatesWhileScrapingAreExactAndEveryScrapeIsValid) {
    Registry r;
    auto counter = r.counter({.name = "c_total", .help = "h", .label_names = {"t"}}).value();
    auto shared = r.counter({.name = "shared_total", .help = "h"}).value();
    auto gauge = r.gauge({.name = "g", .help = "h"}).value();
    auto hist = r.histogram({.name = "h_seconds", .help = "h", .buckets = {0.5, 1.5}}).value();
    auto summ = r.summary({.name = "s", .help = "h", .objectives = {{0.5, 0.05}}}).value();

    std::atomic<bool> done{false};
    std::atomic<int> scrapes{0};
    std::string first_error;
    std::thread scraper([&] {
        while (!done.load()) {
            const std::string text = r.scrape_text();
            auto parsed = rr::test::prom::parse(text);
            if (!parsed && first_error.empty()) first_error = parsed.error + "\n" + text;
            scrapes.fetch_add(1);
        }
    });

    std::vector<std::thread> workers;
    for (int t = 0; t < kThreads; ++t) {
        workers.emplace_back([&, t] {
            // A handle per thread for its own series, lookups for a shared one.
            auto own = counter->with({std::to_string(t)}).value();
            for (int i = 0; i < kPerThread; ++i) {
                own->inc();
                counter->with({"shared"}).value()->add(0.5);
                shared->scalar()->inc();
                gauge->scalar()->add(1);
                gauge->scalar()->sub(0.5);
                hist->scalar()->observe(i % 2 == 0 ? 1.0 : 0.25);
                summ->scalar()->observe(i);
            }
        });
    }
    for (auto& w : workers) w.join();
    // At least one scrape overlapped the updates or ran after them; wait for one more after.
    const int before = scrapes.load();
    while (scrapes.load() < before + 1) std::this_thread::yield();
    done = true;
    scraper.join();
    EXPECT_EQ(first_error, "");

    const std::string text = r.scrape_text();
    auto parsed = rr::test::prom::parse(text);
    ASSERT_TRUE(parsed) << parsed.error;
    const auto& e = *parsed.exposition;
    const double total = kThreads * kPerThread;
    for (int t = 0; t < kThreads; ++t) {
        EXPECT_EQ(e.value("c_total", {{"t", std::to_string(t)}}), kPerThread);
    }
    EXPECT_EQ(e.value("c_total", {{"t", "shared"}}), total / 2);
    EXPECT_EQ(e.value("shared_total"), total);
    EXPECT_EQ(e.value("g"), total / 2);
    EXPECT_EQ(e.value("h_seconds_count"), total);
    EXPECT_EQ(e.value("h_seconds_bucket", {{"le", "0.5"}}), total / 2);
    EXPECT_EQ(e.value("h_seconds_bucket", {{"le", "1.5"}}), total);
    EXPECT_EQ(e.value("h_seconds_sum"), total / 2 * 1.0 + total / 2 * 0.25);
    EXPECT_EQ(e.value("s_count"), total);
}

TEST(Concurrency, SeriesCreationRacesResolveToOneSeries) {
    Registry r;
    auto f = r.counter({.name = "c", .help = "h", .label_names = {"k"}}).value();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 2000; ++i) f->with({std::to_string(i % 50)}).value()->inc();
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(f->size(), 50u);
    FamilySnapshot snap;
    f->snapshot(snap);
    double sum = 0;
    for (const auto& s : snap.series) sum += s.value;
    EXPECT_EQ(sum, kThreads * 2000);
}

}  // namespace
}  // namespace rr::metrics
