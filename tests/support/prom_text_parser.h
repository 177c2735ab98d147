#pragma once
// A strict parser of the Prometheus text exposition format 0.0.4, for tests: it accepts what a
// correct exporter writes and rejects, with the line number, anything a scraper would choke on
// or that signals an exporter bug. Header-only so unit and e2e tests can include it.
//
//   auto r = rr::test::prom::parse(body);
//   ASSERT_TRUE(r) << r.error;
//   EXPECT_EQ(r.exposition->value("rr_http_request_total", {{"status", "200"}}), 3);
//
// Rejected: bad metric or label names (and "__"-prefixed labels), a missing final newline, CR
// bytes, extra or missing spaces, invalid escapes in HELP texts or label values, invalid
// UTF-8, unparsable values or timestamps, unknown TYPEs, duplicate HELP/TYPE lines, TYPE after
// a family's samples, a family split into two groups, duplicate series (same name and label
// set), duplicate label names, samples whose name does not fit their family's type, negative
// counters, histograms whose buckets are unsorted, not cumulative, lack le="+Inf", or disagree
// with _count, histograms and summaries without _sum/_count, summary quantiles outside [0, 1],
// families with HELP/TYPE but no samples, and (by default) families not sorted by name.
//
// Thread safety: stateless functions.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rr::test::prom {

struct Sample {
    std::string name;
    std::vector<std::pair<std::string, std::string>> labels;  ///< as written
    double value = 0;
    std::optional<std::int64_t> timestamp;

    /// The value of label `name`, or nullopt.
    std::optional<std::string> label(std::string_view l) const {
        for (const auto& [k, v] : labels) {
            if (k == l) return v;
        }
        return std::nullopt;
    }
};

struct Family {
    std::string name;
    std::optional<std::string> help;  ///< unescaped
    std::string type = "untyped";
    std::vector<Sample> samples;
};

struct Exposition {
    std::vector<Family> families;

    const Family* family(std::string_view name) const {
        for (const Family& f : families) {
            if (f.name == name) return &f;
        }
        return nullptr;
    }

    /// The value of the sample named `sample_name` whose label set is exactly `labels`.
    std::optional<double> value(std::string_view sample_name,
                                const std::map<std::string, std::string>& labels = {}) const {
        for (const Family& f : families) {
            for (const Sample& s : f.samples) {
                if (s.name != sample_name || s.labels.size() != labels.size()) continue;
                std::map<std::string, std::string> have(s.labels.begin(), s.labels.end());
                if (have == labels) return s.value;
            }
        }
        return std::nullopt;
    }
};

struct ParseOptions {
    bool require_sorted_families = true;
};

struct ParseResult {
    std::optional<Exposition> exposition;  ///< set on success
    std::string error;                     ///< "line N: reason" on failure
    explicit operator bool() const { return exposition.has_value(); }
};

namespace detail {

inline bool name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool digit(char c) {
    return c >= '0' && c <= '9';
}

inline bool valid_metric_name(std::string_view s) {
    if (s.empty()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!(name_start(s[i]) || s[i] == ':' || (i > 0 && digit(s[i])))) return false;
    }
    return true;
}

inline bool valid_label_name(std::string_view s) {
    if (s.empty() || s.starts_with("__")) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!(name_start(s[i]) || (i > 0 && digit(s[i])))) return false;
    }
    return true;
}

inline bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

/// Strict float: [+-]?(digits[.digits]|.digits)([eE][+-]?digits)?, NaN, +Inf, -Inf, Inf.
inline std::optional<double> parse_value(std::string_view s) {
    if (s == "NaN") return std::nan("");
    if (s == "+Inf" || s == "Inf") return HUGE_VAL;
    if (s == "-Inf") return -HUGE_VAL;
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t int_digits = 0;
    while (i < s.size() && digit(s[i])) ++i, ++int_digits;
    std::size_t frac_digits = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && digit(s[i])) ++i, ++frac_digits;
    }
    if (int_digits + frac_digits == 0) return std::nullopt;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        std::size_t exp_digits = 0;
        while (i < s.size() && digit(s[i])) ++i, ++exp_digits;
        if (exp_digits == 0) return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;
    return std::strtod(std::string(s).c_str(), nullptr);
}

inline std::optional<std::int64_t> parse_timestamp(std::string_view s) {
    std::size_t i = s.starts_with('-') ? 1 : 0;
    if (i == s.size()) return std::nullopt;
    for (std::size_t k = i; k < s.size(); ++k) {
        if (!digit(s[k])) return std::nullopt;
    }
    return std::strtoll(std::string(s).c_str(), nullptr, 10);
}

class Parser {
public:
    Parser(std::string_view text, const ParseOptions& options) : text_(text), options_(options) {}

    ParseResult run() {
        ParseResult r;
        if (!text_.empty() && text_.back() != '\n') {
            r.error = "last line does not end with a newline";
            return r;
        }
        std::size_t pos = 0;
        while (pos < text_.size()) {
            ++line_no_;
            const std::size_t eol = text_.find('\n', pos);
            const std::string_view line = text_.substr(pos, eol - pos);
            pos = eol + 1;
            if (!line_(line)) return fail();
        }
        if (!close_family()) return fail();
        if (options_.require_sorted_families) {
            for (std::size_t i = 1; i < out_.families.size(); ++i) {
                if (out_.families[i - 1].name >= out_.families[i].name) {
                    error_ = "families not sorted by name: " + out_.families[i - 1].name +
                             " before " + out_.families[i].name;
                    line_no_ = 0;
                    return fail();
                }
            }
        }
        r.exposition = std::move(out_);
        return r;
    }

private:
    ParseResult fail() {
        ParseResult r;
        r.error = line_no_ > 0 ? "line " + std::to_string(line_no_) + ": " + error_ : error_;
        return r;
    }

    bool err(std::string message) {
        error_ = std::move(message);
        return false;
    }

    bool line_(std::string_view line) {
        if (line.find('\r') != std::string_view::npos) return err("CR byte in line");
        if (!valid_utf8(line)) return err("invalid UTF-8");
        if (line.empty()) return true;
        if (line.front() == '#') return comment(line);
        return sample(line);
    }

    bool comment(std::string_view line) {
        if (line.starts_with("# HELP ")) {
            std::string_view rest = line.substr(7);
            const std::size_t sp = rest.find(' ');
            const std::string_view name = rest.substr(0, sp);
            std::string_view text = sp == std::string_view::npos ? "" : rest.substr(sp + 1);
            if (!valid_metric_name(name))
                return err("bad metric name in HELP: " + std::string(name));
            Family& f = family_for_meta(name);
            if (error_.size()) return false;
            if (f.help) return err("second HELP for " + std::string(name));
            std::string help;
            for (std::size_t i = 0; i < text.size(); ++i) {
                if (text[i] != '\\') {
                    help.push_back(text[i]);
                    continue;
                }
                if (++i == text.size()) return err("HELP ends inside an escape");
                if (text[i] == '\\') {
                    help.push_back('\\');
                } else if (text[i] == 'n') {
                    help.push_back('\n');
                } else {
                    return err(std::string("invalid escape \\") + text[i] + " in HELP");
                }
            }
            f.help = help;
            return true;
        }
        if (line.starts_with("# TYPE ")) {
            std::string_view rest = line.substr(7);
            const std::size_t sp = rest.find(' ');
            if (sp == std::string_view::npos) return err("TYPE without a type");
            const std::string_view name = rest.substr(0, sp);
            const std::string_view type = rest.substr(sp + 1);
            if (!valid_metric_name(name))
                return err("bad metric name in TYPE: " + std::string(name));
            static const std::set<std::string_view> kTypes = {"counter", "gauge", "histogram",
                                                              "summary", "untyped"};
            if (!kTypes.contains(type)) return err("unknown TYPE '" + std::string(type) + "'");
            Family& f = family_for_meta(name);
            if (error_.size()) return false;
            if (type_seen_) return err("second TYPE for " + std::string(name));
            if (!f.samples.empty()) return err("TYPE after samples of " + std::string(name));
            f.type = type;
            type_seen_ = true;
            return true;
        }
        if (line.starts_with("# HELP") || line.starts_with("# TYPE")) {
            return err("malformed HELP/TYPE line");
        }
        return true;  // a plain comment
    }

    // The family a HELP/TYPE line talks about: the current one or a new one.
    Family& family_for_meta(std::string_view name) {
        if (current_ && current_->name == name) return *current_;
        if (!close_family()) return scratch_;
        return open_family(name);
    }

    Family& open_family(std::string_view name) {
        if (closed_.contains(std::string(name))) {
            err("family " + std::string(name) + " appears in two separate groups");
            return scratch_;
        }
        out_.families.emplace_back();
        current_ = &out_.families.back();
        current_->name = name;
        type_seen_ = false;
        return *current_;
    }

    // Whether sample `name` belongs to family `f`.
    static bool belongs(const Family& f, std::string_view name) {
        if (f.type == "histogram") {
            return name == f.name + "_bucket" || name == f.name + "_sum" ||
                   name == f.name + "_count";
        }
        if (f.type == "summary") {
            return name == f.name || name == f.name + "_sum" || name == f.name + "_count";
        }
        return name == f.name;
    }

    bool sample(std::string_view line) {
        std::size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
        const std::string_view name = line.substr(0, i);
        if (!valid_metric_name(name)) return err("bad metric name '" + std::string(name) + "'");
        Sample s;
        s.name = name;
        std::set<std::string> label_names;
        if (i < line.size() && line[i] == '{') {
            ++i;
            while (true) {
                if (i >= line.size()) return err("unterminated label set");
                if (line[i] == '}') {
                    ++i;
                    break;
                }
                std::size_t start = i;
                while (i < line.size() && line[i] != '=') ++i;
                const std::string_view lname = line.substr(start, i - start);
                if (!valid_label_name(lname))
                    return err("bad label name '" + std::string(lname) + "'");
                if (!label_names.insert(std::string(lname)).second) {
                    return err("duplicate label " + std::string(lname));
                }
                if (i + 1 >= line.size() || line[i + 1] != '"')
                    return err("label value not quoted");
                i += 2;
                std::string value;
                while (true) {
                    if (i >= line.size()) return err("unterminated label value");
                    const char c = line[i++];
                    if (c == '"') break;
                    if (c != '\\') {
                        value.push_back(c);
                        continue;
                    }
                    if (i >= line.size()) return err("label value ends inside an escape");
                    const char e = line[i++];
                    if (e == '\\') {
                        value.push_back('\\');
                    } else if (e == '"') {
                        value.push_back('"');
                    } else if (e == 'n') {
                        value.push_back('\n');
                    } else {
                        return err(std::string("invalid escape \\") + e + " in label value");
                    }
                }
                s.labels.emplace_back(std::string(lname), std::move(value));
                if (i < line.size() && line[i] == ',') {
                    ++i;
                } else if (i < line.size() && line[i] != '}') {
                    return err("expected , or } after a label");
                }
            }
        }
        if (i >= line.size() || line[i] != ' ') return err("expected one space before the value");
        ++i;
        std::string_view rest = line.substr(i);
        const std::size_t sp = rest.find(' ');
        const std::string_view value_text = rest.substr(0, sp);
        auto v = parse_value(value_text);
        if (!v) return err("bad value '" + std::string(value_text) + "'");
        s.value = *v;
        if (sp != std::string_view::npos) {
            auto ts = parse_timestamp(rest.substr(sp + 1));
            if (!ts) return err("bad timestamp '" + std::string(rest.substr(sp + 1)) + "'");
            s.timestamp = ts;
        }
        if (!current_ || !belongs(*current_, s.name)) {
            if (current_ && current_->type == "histogram" && s.name == current_->name) {
                return err("sample " + s.name + " does not fit histogram " + current_->name);
            }
            if (!close_family()) return false;
            open_family(s.name);
            if (!error_.empty()) return false;
        }
        // Same name and label set twice is a duplicate series.
        std::vector<std::pair<std::string, std::string>> key_labels = s.labels;
        std::sort(key_labels.begin(), key_labels.end());
        std::string key = s.name;
        for (const auto& [k, val] : key_labels) key += '\xff' + k + '\xfe' + val;
        if (!series_.insert(key).second) return err("duplicate series " + std::string(line));
        current_->samples.push_back(std::move(s));
        return true;
    }

    bool close_family() {
        if (!current_) return true;
        Family& f = *current_;
        current_ = nullptr;
        closed_.insert(f.name);
        if (f.samples.empty()) return err("family " + f.name + " has no samples");
        if (f.type == "counter") {
            for (const Sample& s : f.samples) {
                if (s.value < 0) return err("counter " + f.name + " is negative");
            }
        }
        if (f.type == "histogram") return check_histogram(f);
        if (f.type == "summary") return check_summary(f);
        return true;
    }

    // Labels without `drop`, sorted: identifies one histogram/summary series.
    static std::string group_key(const Sample& s, std::string_view drop) {
        std::vector<std::pair<std::string, std::string>> l;
        for (const auto& p : s.labels) {
            if (p.first != drop) l.push_back(p);
        }
        std::sort(l.begin(), l.end());
        std::string key;
        for (const auto& [k, v] : l) key += k + '\xfe' + v + '\xff';
        return key;
    }

    struct Group {
        std::vector<std::pair<double, double>> points;  // (le or quantile, value)
        std::optional<double> sum;
        std::optional<double> count;
    };

    bool check_histogram(const Family& f) {
        std::map<std::string, Group> groups;
        for (const Sample& s : f.samples) {
            Group& g = groups[group_key(s, "le")];
            if (s.name == f.name + "_bucket") {
                auto le = s.label("le");
                if (!le) return err("bucket of " + f.name + " without le");
                auto bound = parse_value(*le);
                if (!bound || std::isnan(*bound)) return err("bad le \"" + *le + "\"");
                if (std::isnan(s.value) || s.value < 0) return err("bad bucket count in " + f.name);
                g.points.emplace_back(*bound, s.value);
            } else {
                if (s.label("le")) return err(s.name + " has an le label");
                (s.name == f.name + "_sum" ? g.sum : g.count) = s.value;
            }
        }
        for (const auto& [key, g] : groups) {
            if (g.points.empty()) return err("histogram " + f.name + " series without buckets");
            for (std::size_t i = 1; i < g.points.size(); ++i) {
                if (!(g.points[i - 1].first < g.points[i].first)) {
                    return err("histogram " + f.name + " buckets not in increasing le order");
                }
                if (g.points[i - 1].second > g.points[i].second) {
                    return err("histogram " + f.name + " buckets not cumulative");
                }
            }
            if (!std::isinf(g.points.back().first)) {
                return err("histogram " + f.name + " without le=\"+Inf\" bucket");
            }
            if (!g.sum || !g.count) return err("histogram " + f.name + " without _sum or _count");
            if (*g.count != g.points.back().second) {
                return err("histogram " + f.name + " _count differs from the +Inf bucket");
            }
        }
        return true;
    }

    bool check_summary(const Family& f) {
        std::map<std::string, Group> groups;
        for (const Sample& s : f.samples) {
            Group& g = groups[group_key(s, "quantile")];
            if (s.name == f.name) {
                auto q = s.label("quantile");
                if (!q) return err("summary " + f.name + " sample without quantile");
                auto qv = parse_value(*q);
                if (!qv || !(*qv >= 0 && *qv <= 1)) return err("bad quantile \"" + *q + "\"");
                g.points.emplace_back(*qv, s.value);
            } else {
                if (s.label("quantile")) return err(s.name + " has a quantile label");
                (s.name == f.name + "_sum" ? g.sum : g.count) = s.value;
            }
        }
        for (const auto& [key, g] : groups) {
            if (!g.sum || !g.count) return err("summary " + f.name + " without _sum or _count");
            if (*g.count < 0) return err("summary " + f.name + " negative _count");
        }
        return true;
    }

    std::string_view text_;
    ParseOptions options_;
    Exposition out_;
    Family* current_ = nullptr;  // points into out_.families (never reallocated while used)
    Family scratch_;
    bool type_seen_ = false;
    std::set<std::string> closed_;
    std::set<std::string> series_;
    std::string error_;
    std::size_t line_no_ = 0;
};

}  // namespace detail

inline ParseResult parse(std::string_view text, const ParseOptions& options = {}) {
    return detail::Parser(text, options).run();
}

}  // namespace rr::test::prom
