#pragma once
// CIDR subnets (http.trusted_subnets): parsed once by the config loader, matched per request
// by the HTTP request mapping.
//
// Thread safety: value types and stateless functions, safe from any thread.

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string_view>
#include <vector>

namespace rr {

/// IPv4-mapped IPv6 (::ffff:a.b.c.d) → IPv4; other addresses unchanged.
boost::asio::ip::address unmap(const boost::asio::ip::address& ip);

/// One subnet. An IPv4-mapped IPv6 address is matched as the IPv4 address it maps.
struct Cidr {
    boost::asio::ip::address network;  ///< host bits cleared
    unsigned prefix = 0;               ///< 0..32 for IPv4, 0..128 for IPv6

    bool contains(const boost::asio::ip::address& ip) const noexcept;
};

/// "10.0.0.0/8", "::1/128"; host bits are cleared ("192.168.1.77/24" → 192.168.1.0/24).
/// nullopt for a bare address, a missing or out-of-range prefix, or a bad address. Surrounding
/// whitespace is not accepted.
std::optional<Cidr> parse_cidr(std::string_view text);

/// True if any of `subnets` contains `ip`.
bool in_subnets(const std::vector<Cidr>& subnets, const boost::asio::ip::address& ip) noexcept;

}  // namespace rr
