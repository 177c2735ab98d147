// Scrape answers: gzip negotiation and the gzip body itself; the process collector.

#include "metrics/exposition.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <string>

#include "metrics/process_collector.h"
#include "metrics/registry.h"
#include "metrics/text_format.h"
#include "support/prom_text_parser.h"

namespace rr::metrics {
namespace {

std::string gunzip(const std::string& in) {
    z_stream zs{};
    EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
    std::string out(8 << 20, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    inflateEnd(&zs);
    return out;
}

TEST(Exposition, GzipNegotiation) {
    EXPECT_TRUE(accepts_gzip("gzip"));
    EXPECT_TRUE(accepts_gzip("GZip"));
    EXPECT_TRUE(accepts_gzip("deflate, gzip;q=0.5"));
    EXPECT_TRUE(accepts_gzip("x-gzip"));
    EXPECT_TRUE(accepts_gzip("*"));
    EXPECT_TRUE(accepts_gzip(" identity , gzip ; q=1.0 "));
    EXPECT_FALSE(accepts_gzip(""));
    EXPECT_FALSE(accepts_gzip("identity"));
    EXPECT_FALSE(accepts_gzip("deflate, br"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
    EXPECT_FALSE(accepts_gzip("*;q=0"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0, *"));  // explicitly refused beats the wildcard
    EXPECT_FALSE(accepts_gzip("gzip;q=abc"));   // malformed entry ignored
    EXPECT_FALSE(accepts_gzip("gzipped"));
}

TEST(Exposition, RenderScrapeAnswersTextFormatAndGzipsWhenAllowed) {
    Registry r;
    r.counter({.name = "c_total", .help = "h"}).value()->scalar()->add(7);
    const std::string accept =
        "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;"
        "q=0.2";
    auto plain = render_scrape(r, accept, "");
    EXPECT_EQ(plain.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_FALSE(plain.gzipped);
    EXPECT_EQ(plain.body, "# HELP c_total h\n# TYPE c_total counter\nc_total 7\n");

    auto zipped = render_scrape(r, accept, "gzip");
    EXPECT_TRUE(zipped.gzipped);
    EXPECT_EQ(zipped.content_type, kTextContentType);
    ASSERT_GE(zipped.body.size(), 10u);
    EXPECT_EQ(static_cast<unsigned char>(zipped.body[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(zipped.body[1]), 0x8b);
    EXPECT_EQ(gunzip(zipped.body), plain.body);
}

TEST(Exposition, GzipOfEmptyAndLargeBodies) {
    EXPECT_EQ(gunzip(gzip_compress("").value()), "");
    std::string big;
    for (int i = 0; i < 100000; ++i) big += "line " + std::to_string(i) + "\n";
    EXPECT_EQ(gunzip(gzip_compress(big).value()), big);
}

TEST(ProcessCollector, ParsesProcStat) {
    // Field 2 may contain spaces and parentheses.
    const std::string stat =
        "4242 (rr (worker) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 3 0 "
        "123456 104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
    auto s = parse_proc_stat(stat);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->utime_ticks, 250u);
    EXPECT_EQ(s->stime_ticks, 50u);
    EXPECT_EQ(s->start_ticks, 123456u);
    EXPECT_EQ(s->vsize_bytes, 104857600u);
    EXPECT_EQ(s->rss_pages, 2560);
    EXPECT_FALSE(parse_proc_stat("4242 (rr) S 1 2 3"));
    EXPECT_FALSE(parse_proc_stat("garbage"));
}

TEST(ProcessCollector, ParsesBootTime) {
    EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n"), 1700000000u);
    EXPECT_FALSE(parse_boot_time("cpu 1\n"));
    EXPECT_FALSE(parse_boot_time("btime x\n"));
}

TEST(ProcessCollector, ExposesTheProcessFamilies) {
    Registry r;
    ASSERT_TRUE(r.add_collector(std::make_shared<ProcessCollector>()));
    const std::string text = r.scrape_text();
    auto parsed = rr::test::prom::parse(text);
    ASSERT_TRUE(parsed) << parsed.error << "\n" << text;
    const auto& e = *parsed.exposition;
    for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                             "process_virtual_memory_bytes", "process_virtual_memory_max_bytes",
                             "process_start_time_seconds", "process_open_fds", "process_max_fds"}) {
        EXPECT_NE(e.family(name), nullptr) << name;
    }
    EXPECT_EQ(e.family("process_cpu_seconds_total")->type, "counter");
    EXPECT_EQ(e.family("process_open_fds")->type, "gauge");
    EXPECT_GT(*e.value("process_resident_memory_bytes"), 1 << 20);
    EXPECT_GE(*e.value("process_open_fds"), 3);
    EXPECT_LE(*e.value("process_open_fds"), *e.value("process_max_fds"));
    // Started after 2020 and not in the future.
    EXPECT_GT(*e.value("process_start_time_seconds"), 1.5e9);
    EXPECT_LE(*e.value("process_start_time_seconds"), static_cast<double>(time(nullptr)) + 1);
}

}  // namespace
}  // namespace rr::metrics
