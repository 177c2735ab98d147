// rr: a RoadRunner-compatible PHP application server. Everything lives in the modules; main
// only hands the command line to the CLI and returns its exit code (docs/cli.md).
#include "cli/cli.h"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    try {
        return rr::cli::run(argc, argv);
    } catch (const std::exception& e) {
        // Anything that escaped the commands' own handling: one line, exit code 1.
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
