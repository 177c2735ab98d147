// The worker pool block (plugins/api/pool_config.h): defaults and every validation message.

#include <thread>

#include "support/config_text.h"
#include "unit/plugins/load_sections.h"

namespace rr::plugins {
namespace {

using namespace std::chrono_literals;
using config::test::http_doc;
using config::test::TempDir;
using test::load;
using test::load_error;
using test::Loaded;

TEST(Pool, DefaultsWhenAbsent) {
    const Loaded cfg = load(http_doc(""));
    const PoolConfig& p = cfg.http->pool;
    EXPECT_EQ(p.num_workers, std::max(1U, std::thread::hardware_concurrency()));
    EXPECT_EQ(p.max_jobs, 0U);
    EXPECT_EQ(p.max_queue_size, 0U);
    EXPECT_EQ(p.allocate_timeout, 60s);
    EXPECT_EQ(p.reset_timeout, 60s);
    EXPECT_EQ(p.destroy_timeout, 60s);
    EXPECT_EQ(p.stream_timeout, 60s);
    EXPECT_FALSE(p.debug);
    EXPECT_FALSE(p.supervisor);
    EXPECT_FALSE(p.dynamic_allocator);
    EXPECT_TRUE(p.command.empty());
}

TEST(Pool, ExplicitValues) {
    const Loaded cfg = load(http_doc(R"(  pool:
    command: php other.php
    num_workers: 4
    max_jobs: 100
    max_queue_size: 10
    allocate_timeout: 1m30s
    reset_timeout: 5s
    destroy_timeout: 300ms
    stream_timeout: 2s
    supervisor:
      ttl: 1h
      idle_ttl: 10s
      max_worker_memory: 128
      exec_ttl: 30s
    dynamic_allocator:
      max_workers: 20
      spawn_rate: 2
      idle_timeout: 10s
)"));
    const PoolConfig& p = cfg.http->pool;
    EXPECT_EQ(p.command, (std::vector<std::string>{"php", "other.php"}));
    EXPECT_EQ(p.num_workers, 4U);
    EXPECT_EQ(p.max_jobs, 100U);
    EXPECT_EQ(p.max_queue_size, 10U);
    EXPECT_EQ(p.allocate_timeout, 90s);
    EXPECT_EQ(p.reset_timeout, 5s);
    EXPECT_EQ(p.destroy_timeout, 300ms);
    EXPECT_EQ(p.stream_timeout, 2s);
    ASSERT_TRUE(p.supervisor);
    EXPECT_EQ(p.supervisor->watch_tick, 5s);
    EXPECT_EQ(p.supervisor->ttl, 1h);
    EXPECT_EQ(p.supervisor->idle_ttl, 10s);
    EXPECT_EQ(p.supervisor->max_worker_memory_mb, 128U);
    EXPECT_EQ(p.supervisor->exec_ttl, 30s);
    ASSERT_TRUE(p.dynamic_allocator);
    EXPECT_EQ(p.dynamic_allocator->max_workers, 20U);
    EXPECT_EQ(p.dynamic_allocator->spawn_rate, 2U);
    EXPECT_EQ(p.dynamic_allocator->idle_timeout, 10s);
}

TEST(Pool, BareNumberDurationIsNanoseconds) {
    const Loaded cfg = load(http_doc("  pool:\n    supervisor:\n      watch_tick: 1\n"));
    EXPECT_EQ(cfg.http->pool.supervisor->watch_tick, 1ns);
}

TEST(Pool, ZeroTimeoutsMeanDefaults) {
    const Loaded cfg =
        load(http_doc("  pool:\n    allocate_timeout: 0\n"
                      "    dynamic_allocator: {max_workers: 0}\n"));
    EXPECT_EQ(cfg.http->pool.allocate_timeout, 60s);
    EXPECT_EQ(cfg.http->pool.dynamic_allocator->max_workers, 10U);
    EXPECT_EQ(cfg.http->pool.dynamic_allocator->spawn_rate, 5U);
    EXPECT_EQ(cfg.http->pool.dynamic_allocator->idle_timeout, 1min);
}

TEST(Pool, DebugForcesFreshWorkers) {
    const Loaded cfg =
        load(http_doc("  pool:\n    debug: true\n    num_workers: 4\n    max_jobs: 9\n"
                      "    max_queue_size: 3\n"));
    EXPECT_TRUE(cfg.http->pool.debug);
    EXPECT_EQ(cfg.http->pool.num_workers, 0U);
    EXPECT_EQ(cfg.http->pool.max_jobs, 1U);
    EXPECT_EQ(cfg.http->pool.max_queue_size, 0U);
}

TEST(Pool, Validation) {
    EXPECT_EQ(load_error(http_doc("  pool:\n    num_workers: abc\n")),
              "http.pool.num_workers: expected a non-negative integer, got \"abc\"");
    EXPECT_EQ(load_error(http_doc("  pool:\n    num_workers: -1\n")),
              "http.pool.num_workers: expected an integer between 0 and 500, got \"-1\"");
    EXPECT_EQ(load_error(http_doc("  pool:\n    num_workers: 501\n")),
              "http.pool.num_workers: expected an integer between 0 and 500, got \"501\"");
    EXPECT_EQ(load_error(http_doc("  pool:\n    max_jobs: 1.5\n")),
              "http.pool.max_jobs: expected a non-negative integer, got \"1.5\"");
    EXPECT_EQ(load_error(http_doc("  pool:\n    num_workers: [4]\n")),
              "http.pool.num_workers: expected a non-negative integer, got a list");
    EXPECT_EQ(load_error(http_doc("  pool:\n    allocate_timeout: 10 seconds\n")),
              "http.pool.allocate_timeout: expected a duration such as \"60s\", \"1m30s\" or "
              "\"300ms\", got \"10 seconds\"");
    EXPECT_EQ(load_error(http_doc("  pool:\n    destroy_timeout: -5s\n")),
              "http.pool.destroy_timeout: expected a duration such as \"60s\", \"1m30s\" or "
              "\"300ms\", got \"-5s\"");
    EXPECT_EQ(load_error(http_doc("  pool:\n    debug: maybe\n")),
              "http.pool.debug: expected a boolean (true or false), got \"maybe\"");
    EXPECT_EQ(load_error(http_doc("  pool:\n    dynamic_allocator:\n      max_workers: 101\n")),
              "http.pool.dynamic_allocator.max_workers: expected an integer between 0 and 100, "
              "got \"101\"");
    EXPECT_EQ(load_error(http_doc("  pool:\n    dynamic_allocator:\n      idle_timeout: 10ms\n")),
              "http.pool.dynamic_allocator.idle_timeout: must be at least 1s");
    EXPECT_EQ(load_error(http_doc("  pool: 4\n")), "http.pool: expected a map, got \"4\"");
}

TEST(Pool, EmptyCommandMeansTheServerCommand) {
    EXPECT_TRUE(load(http_doc("  pool:\n    command: \"\"\n")).http->pool.command.empty());
    EXPECT_TRUE(load(http_doc("  pool:\n    command: []\n")).http->pool.command.empty());
}

TEST(Pool, InvalidOverriddenValueNamesTheKey) {
    config::LoadOptions opts;
    opts.overrides = {"http.pool.num_workers=abc"};
    EXPECT_EQ(load_error(http_doc(""), opts),
              "http.pool.num_workers: expected a non-negative integer, got \"abc\"");
}

TEST(Pool, WeaklyTypedValuesAsUpstream) {
    // Numbers and booleans written as strings, and whole floats as integers, load (as viper +
    // mapstructure's weakly typed decoding does); typos in key names are warnings.
    const Loaded cfg = load(http_doc(
        "  pool:\n    num_workers: \"4\"\n    max_jobs: 500.0\n    debug: \"false\"\n"
        "    numworkers: 4\n    supervisor:\n      max_memory: 1\n      exec_ttl: \"30s\"\n"));
    EXPECT_EQ(cfg.http->pool.num_workers, 4U);
    EXPECT_EQ(cfg.http->pool.max_jobs, 500U);
    EXPECT_FALSE(cfg.http->pool.debug);
    EXPECT_EQ(cfg.http->pool.supervisor->exec_ttl, 30s);
    EXPECT_EQ(cfg.warnings,
              (std::vector<std::string>{"http.pool.supervisor.max_memory: unknown key; ignored",
                                        "http.pool.numworkers: unknown key; ignored"}));
}

}  // namespace
}  // namespace rr::plugins
