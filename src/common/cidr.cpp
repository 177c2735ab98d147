#include "common/cidr.h"

#include <charconv>
#include <cstdint>
#include <string>

namespace rr {

namespace ip = boost::asio::ip;

ip::address unmap(const ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    }
    return a;
}

bool Cidr::contains(const ip::address& addr) const noexcept {
    const ip::address a = unmap(addr);
    if (a.is_v4() != network.is_v4()) return false;
    if (a.is_v4()) {
        const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
        return (a.to_v4().to_uint() & mask) == (network.to_v4().to_uint() & mask);
    }
    const auto x = a.to_v6().to_bytes();
    const auto n = network.to_v6().to_bytes();
    unsigned bits = prefix;
    for (std::size_t i = 0; i < x.size() && bits > 0; ++i) {
        const unsigned take = bits >= 8 ? 8 : bits;
        const auto mask = static_cast<unsigned char>(0xff << (8 - take));
        if ((x[i] & mask) != (n[i] & mask)) return false;
        bits -= take;
    }
    return true;
}

std::optional<Cidr> parse_cidr(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    boost::system::error_code ec;
    const ip::address addr = ip::make_address(std::string(text.substr(0, slash)), ec);
    if (ec) return std::nullopt;
    const std::string_view bits_text = text.substr(slash + 1);
    unsigned bits = 0;
    const char* last = bits_text.data() + bits_text.size();
    auto [p, perr] = std::from_chars(bits_text.data(), last, bits);
    if (bits_text.empty() || perr != std::errc{} || p != last) return std::nullopt;
    if (bits > (addr.is_v4() ? 32U : 128U)) return std::nullopt;
    Cidr c;
    c.prefix = bits;
    if (addr.is_v4()) {
        const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
        c.network = ip::address_v4(addr.to_v4().to_uint() & mask);
    } else {
        auto b = addr.to_v6().to_bytes();
        unsigned left = bits;
        for (auto& byte : b) {
            const unsigned take = left >= 8 ? 8 : left;
            byte = static_cast<unsigned char>(byte & (take == 0 ? 0 : (0xff << (8 - take))));
            left -= take;
        }
        c.network = ip::address_v6(b);
    }
    return c;
}

bool in_subnets(const std::vector<Cidr>& subnets, const ip::address& a) noexcept {
    for (const auto& s : subnets) {
        if (s.contains(a)) return true;
    }
    return false;
}

}  // namespace rr
