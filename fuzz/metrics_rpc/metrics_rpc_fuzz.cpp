// The metrics RPC methods on arbitrary PHP input, then a scrape that must stay valid.
// Input: lines "<digit><JSON body>"; the digit picks Declare, Add, Sub, Set, Observe or
// Unregister. Every line is applied to a fresh registry in order, then the exposition is parsed
// with the strict test parser: any error there is a writer or validation bug.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "metrics/rpc_methods.h"
#include "support/prom_text_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static constexpr std::string_view kMethods[] = {"Declare", "Add",     "Sub",
                                                    "Set",     "Observe", "Unregister"};
    std::string_view input(reinterpret_cast<const char*>(data), size);
    rr::metrics::Registry registry;
    rr::metrics::MetricsRpc rpc(registry);
    while (!input.empty()) {
        const std::size_t eol = input.find('\n');
        std::string_view line = input.substr(0, eol);
        input = eol == std::string_view::npos ? std::string_view{} : input.substr(eol + 1);
        if (line.empty()) continue;
        const auto method = kMethods[static_cast<unsigned char>(line[0]) % 6];
        (void)rpc.call_json(method, line.substr(1));
    }
    const std::string text = registry.scrape_text();
    auto parsed = rr::test::prom::parse(text);
    if (!parsed) {
        std::fprintf(stderr, "invalid exposition: %s\n%s\n", parsed.error.c_str(), text.c_str());
        std::abort();
    }
    return 0;
}
