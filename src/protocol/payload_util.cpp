#include "protocol/payload_util.h"

#include <algorithm>
#include <numeric>

namespace rr::protocol::detail {

FieldGroups::FieldGroups(std::span<const HttpField> fields, bool group) {
    const std::size_t n = fields.size();
    if (!group) {
        if (n > kSmall) large_.resize(n);
        next_ = n > kSmall ? large_.data() : small_.data();
        for (std::size_t i = 0; i < n; ++i) next_[i] = kEnd | kFirstBit;
        return;
    }
    if (n <= kSmall) {
        // Quadratic, but on a cheap key (length and the first and last bytes) so that the
        // full comparison runs only for likely duplicates.
        std::array<std::uint64_t, kSmall> keys;
        for (std::size_t i = 0; i < n; ++i) {
            const std::string_view name = fields[i].name;
            keys[i] = name.empty()
                          ? 0
                          : (name.size() << 16) |
                                (std::uint64_t{static_cast<unsigned char>(name.front())} << 8) |
                                static_cast<unsigned char>(name.back());
        }
        next_ = small_.data();
        for (std::size_t i = 0; i < n; ++i) next_[i] = kEnd | kFirstBit;
        for (std::size_t i = 0; i < n; ++i) {
            if (!is_first(i)) continue;
            std::size_t last = i;
            for (std::size_t j = i + 1; j < n; ++j) {
                if (keys[j] == keys[i] && is_first(j) && fields[j].name == fields[i].name) {
                    next_[last] = static_cast<std::uint32_t>(j) | (next_[last] & kFirstBit);
                    next_[j] = kEnd;
                    last = j;
                    all_unique_ = false;
                }
            }
        }
        return;
    }
    large_.assign(n, kEnd | kFirstBit);
    next_ = large_.data();
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return fields[a].name < fields[b].name;
    });
    for (std::size_t k = 1; k < n; ++k) {
        const std::uint32_t prev = order[k - 1];
        const std::uint32_t cur = order[k];
        if (fields[prev].name == fields[cur].name) {
            // Stable sort keeps arrival order inside a run, so prev < cur.
            next_[prev] = cur | (next_[prev] & kFirstBit);
            next_[cur] = kEnd;
            all_unique_ = false;
        }
    }
}

}  // namespace rr::protocol::detail
