#include "unit/protocol/vectors.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace rr::protocol::test {

std::string from_hex(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const std::vector<GoldenVector>& golden_vectors() {
    static const std::vector<GoldenVector> vectors = [] {
        std::vector<GoldenVector> out;
        const std::string dir = std::string(RR_SOURCE_DIR) + "/tests/vectors/";
        const auto index = nlohmann::json::parse(read_file(dir + "index.json"));
        for (const auto& v : index) {
            GoldenVector g;
            g.name = v.at("name").get<std::string>();
            g.flags = v.at("flags").get<std::uint8_t>();
            g.byte10 = v.at("byte10").get<std::uint8_t>();
            g.options = v.at("options").get<std::vector<std::uint32_t>>();
            g.payload = from_hex(v.at("payload_hex").get<std::string>());
            g.frame = from_hex(v.at("frame_hex").get<std::string>());
            g.bin_file = read_file(dir + g.name + ".bin");
            out.push_back(std::move(g));
        }
        return out;
    }();
    return vectors;
}

const GoldenVector& golden(const std::string& name) {
    for (const auto& g : golden_vectors()) {
        if (g.name == name) return g;
    }
    ADD_FAILURE() << "no golden vector " << name;
    std::abort();
}

}  // namespace rr::protocol::test
