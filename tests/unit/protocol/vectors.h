#pragma once
// Loads the golden frames of tests/vectors/ (index.json + <name>.bin) for the protocol tests.

#include <cstdint>
#include <string>
#include <vector>

namespace rr::protocol::test {

struct GoldenVector {
    std::string name;
    std::uint8_t flags = 0;
    std::uint8_t byte10 = 0;
    std::vector<std::uint32_t> options;
    std::string payload;
    std::string frame;     ///< from frame_hex in index.json
    std::string bin_file;  ///< the bytes of <name>.bin
};

/// All vectors of tests/vectors/index.json; fails the calling test (ADD_FAILURE) if unreadable.
const std::vector<GoldenVector>& golden_vectors();

/// The vector called `name`; aborts the test binary if missing.
const GoldenVector& golden(const std::string& name);

std::string from_hex(const std::string& hex);
std::string read_file(const std::string& path);

}  // namespace rr::protocol::test
