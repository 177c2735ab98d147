#pragma once
// Streaming quantile estimator with targeted error bounds: the "biased quantiles over data
// streams" summary of Cormode, Korn, Muthukrishnan and Srivastava (ICDE 2005), targeted form.
// The same algorithm family as client_golang's summaries, written here from the paper.
//
// The stream keeps a sorted list of samples (value, g, delta): g is the rank gap to the previous
// sample and delta the rank uncertainty. For targets {(q_j, e_j)} the allowed uncertainty at
// rank r of n observations is
//     f(r, n) = min_j  2 e_j r / q_j            if r >= q_j n
//                      2 e_j (n - r) / (1 - q_j) otherwise
// Inserting keeps delta <= f - 1; compress() merges neighbours while g_i + g_{i+1} + delta_{i+1}
// <= f(r_i, n). A query for q_j then returns a value whose rank is within e_j * n of q_j * n.
// Memory grows as O(1/e log(e n)); the summary bounds n by resetting streams by age.
//
// Quantiles 0 and 1 are answered exactly from a tracked minimum and maximum; they put no
// constraint on compression.
//
// Thread safety: none; the owning Summary serialises access.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rr::metrics {

/// A summary objective: the quantile (0..1) and its allowed rank error (0..1).
struct Objective {
    double quantile = 0;
    double error = 0;
};

class QuantileStream {
public:
    /// `objectives`: the targets; those with quantile 0 or 1 need no tracking and are ignored.
    explicit QuantileStream(std::span<const Objective> objectives);

    /// Adds observations; `sorted` must be ascending and contain no NaN.
    void insert_sorted(std::span<const double> sorted);

    /// The estimate for quantile `q`; NaN when nothing was observed.
    double query(double q) const;

    /// Forgets every observation.
    void reset();

    std::uint64_t count() const noexcept { return static_cast<std::uint64_t>(n_); }
    /// Samples held (the memory in use is proportional to it).
    std::size_t sample_count() const noexcept { return samples_.size(); }

private:
    struct Sample {
        double value;
        double g;
        double delta;
    };
    struct Target {
        double quantile;
        double lower_factor;  // 2e / (1 - q): applies below rank q*n
        double upper_factor;  // 2e / q: applies at and above rank q*n
    };

    double allowed(double rank) const noexcept;  // f(rank, n_)
    void compress();

    std::vector<Target> targets_;
    std::vector<Sample> samples_;
    std::vector<Sample> scratch_;
    double n_ = 0;
    double min_ = 0;
    double max_ = 0;
};

}  // namespace rr::metrics
