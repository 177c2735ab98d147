#include "common/percent.h"

namespace rr {

bool percent_decode(std::string_view in, std::string& out, bool plus_as_space) {
    out.clear();
    out.reserve(in.size());
    std::size_t i = 0;
    while (i < in.size()) {
        // Copy runs without '%' or '+' in bulk.
        std::size_t run = i;
        while (run < in.size() && in[run] != '%' && in[run] != '+') {
            ++run;
        }
        out.append(in.data() + i, run - i);
        i = run;
        if (i == in.size()) {
            break;
        }
        if (in[i] == '+') {
            out += plus_as_space ? ' ' : '+';
            ++i;
            continue;
        }
        if (in.size() - i < 3) {
            return false;
        }
        const int hi = hex_value(in[i + 1]);
        const int lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 3;
    }
    return true;
}

}  // namespace rr
