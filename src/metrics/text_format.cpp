#include "metrics/text_format.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace rr::metrics {

namespace {

// Appends the decimal exponent Go-style: sign always, at least two digits.
void append_exponent(std::string& out, int exp) {
    out.push_back(exp < 0 ? '-' : '+');
    const int a = exp < 0 ? -exp : exp;
    if (a < 10) out.push_back('0');
    std::array<char, 8> buf{};
    auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), a);
    out.append(buf.data(), end);
}

// One sample line: name, {labels[,extra]}, value.
class LineWriter {
public:
    LineWriter(std::string& out, const FamilySnapshot& f) : out_(out), f_(f) {
        order_.reserve(f.label_names.size());
        for (std::size_t i = 0; i < f.label_names.size(); ++i) order_.push_back(i);
        std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
            return f.label_names[a] < f.label_names[b];
        });
    }

    void line(std::string_view suffix, const SeriesSnapshot& s, std::string_view extra_name,
              double extra_value, double value) {
        out_.append(f_.name);
        out_.append(suffix);
        const bool has_extra = !extra_name.empty();
        if (!order_.empty() || has_extra) {
            out_.push_back('{');
            bool first = true;
            for (const std::size_t i : order_) {
                if (!first) out_.push_back(',');
                first = false;
                out_.append(f_.label_names[i]);
                out_.append("=\"");
                append_escaped_label_value(out_, s.label_values[i]);
                out_.push_back('"');
            }
            if (has_extra) {
                if (!first) out_.push_back(',');
                out_.append(extra_name);
                out_.append("=\"");
                append_double(out_, extra_value);
                out_.push_back('"');
            }
            out_.push_back('}');
        }
        out_.push_back(' ');
        append_double(out_, value);
        out_.push_back('\n');
    }

private:
    std::string& out_;
    const FamilySnapshot& f_;
    std::vector<std::size_t> order_;
};

void write_family(std::string& out, const FamilySnapshot& f) {
    out.append("# HELP ");
    out.append(f.name);
    out.push_back(' ');
    append_escaped_help(out, f.help);
    out.append("\n# TYPE ");
    out.append(f.name);
    out.push_back(' ');
    out.append(to_string(f.type));
    out.push_back('\n');

    LineWriter w(out, f);
    for (const SeriesSnapshot& s : f.series) {
        if (s.label_values.size() != f.label_names.size()) continue;
        switch (f.type) {
            case MetricType::kCounter:
            case MetricType::kGauge:
            case MetricType::kUntyped:
                w.line({}, s, {}, 0, s.value);
                break;
            case MetricType::kHistogram: {
                if (s.buckets.size() != f.bounds.size() + 1) break;
                for (std::size_t i = 0; i < f.bounds.size(); ++i) {
                    w.line("_bucket", s, "le", f.bounds[i], static_cast<double>(s.buckets[i]));
                }
                const auto count = static_cast<double>(s.buckets.back());
                w.line("_bucket", s, "le", std::numeric_limits<double>::infinity(), count);
                w.line("_sum", s, {}, 0, s.sum);
                w.line("_count", s, {}, 0, count);
                break;
            }
            case MetricType::kSummary: {
                if (s.quantiles.size() != f.quantiles.size()) break;
                for (std::size_t i = 0; i < f.quantiles.size(); ++i) {
                    w.line({}, s, "quantile", f.quantiles[i], s.quantiles[i]);
                }
                w.line("_sum", s, {}, 0, s.sum);
                w.line("_count", s, {}, 0, static_cast<double>(s.count));
                break;
            }
        }
    }
}

}  // namespace

void append_double(std::string& out, double v) {
    if (std::isnan(v)) {
        out.append("NaN");
        return;
    }
    if (std::isinf(v)) {
        out.append(v > 0 ? "+Inf" : "-Inf");
        return;
    }
    if (v == 0) {
        out.append(std::signbit(v) ? "-0" : "0");
        return;
    }
    // Shortest round-trip digits, then laid out by Go's %g rule for shortest precision.
    std::array<char, 32> buf{};
    auto [end, ec] =
        std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::scientific);
    std::string_view sci(buf.data(), static_cast<std::size_t>(end - buf.data()));
    const bool negative = sci.front() == '-';
    if (negative) sci.remove_prefix(1);
    const std::size_t e_pos = sci.find('e');
    std::array<char, 24> digits{};
    std::size_t nd = 0;
    for (const char c : sci.substr(0, e_pos)) {
        if (c != '.') digits[nd++] = c;
    }
    int exp = 0;
    std::string_view exp_text = sci.substr(e_pos + 1);
    if (exp_text.front() == '+') exp_text.remove_prefix(1);
    std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);

    if (negative) out.push_back('-');
    if (exp < -4 || exp >= 6) {
        out.push_back(digits[0]);
        if (nd > 1) {
            out.push_back('.');
            out.append(digits.data() + 1, nd - 1);
        }
        out.push_back('e');
        append_exponent(out, exp);
        return;
    }
    const int dp = exp + 1;  // digits before the decimal point
    if (dp > 0) {
        for (int i = 0; i < dp; ++i) {
            out.push_back(static_cast<std::size_t>(i) < nd ? digits[static_cast<std::size_t>(i)]
                                                           : '0');
        }
    } else {
        out.push_back('0');
    }
    if (static_cast<int>(nd) > dp) {
        out.push_back('.');
        for (int i = dp; i < static_cast<int>(nd); ++i) {
            out.push_back(i < 0 ? '0' : digits[static_cast<std::size_t>(i)]);
        }
    }
}

void append_escaped_help(std::string& out, std::string_view help) {
    for (const char c : help) {
        if (c == '\\') {
            out.append("\\\\");
        } else if (c == '\n') {
            out.append("\\n");
        } else {
            out.push_back(c);
        }
    }
}

void append_escaped_label_value(std::string& out, std::string_view value) {
    for (const char c : value) {
        if (c == '\\') {
            out.append("\\\\");
        } else if (c == '"') {
            out.append("\\\"");
        } else if (c == '\n') {
            out.append("\\n");
        } else {
            out.push_back(c);
        }
    }
}

void write_text(std::string& out, std::span<const FamilySnapshot> families) {
    for (const FamilySnapshot& f : families) write_family(out, f);
}

}  // namespace rr::metrics
