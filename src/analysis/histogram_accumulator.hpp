#pragma once
// Sums histograms of one kind over many samples with memory independent of
// the number of samples, and reads percentiles from the sum.

#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "format/histogram.hpp"

namespace vscsi {

enum class PercentileMethod {
    bucket_upper_bound,  // the upper limit of the bucket holding the rank (conservative)
    interpolate,         // linear within that bucket
};
std::string_view to_string(PercentileMethod m);

// What the data prove about a mean: [low, high].
struct MeanBounds {
    double low = std::numeric_limits<double>::quiet_NaN();
    double high = std::numeric_limits<double>::quiet_NaN();
    double mid() const { return (low + high) / 2; }
};

class HistogramAccumulator {
  public:
    HistogramAccumulator() = default;
    // Copies own their bucket counts; a move keeps the counts' owner (see start_in).
    HistogramAccumulator(const HistogramAccumulator& o);
    HistogramAccumulator(HistogramAccumulator&& o) noexcept;
    HistogramAccumulator& operator=(const HistogramAccumulator& o);
    HistogramAccumulator& operator=(HistogramAccumulator&& o) noexcept;
    ~HistogramAccumulator();

    // False (and nothing added) when the bucket limits differ from earlier ones.
    bool add(const Histogram& h);
    // The first add, with the bucket counts kept in `storage` (h.frequencies.size()
    // zeroed entries owned by the caller, e.g. one block for all of a disk's sums,
    // which must outlive this accumulator and its moves).
    void start_in(const Histogram& h, std::uint64_t* storage);
    void merge(const HistogramAccumulator& other);
    // Takes out one value known to be in the overflow bucket (an interarrival
    // histogram's first IO after -s, see FirstIoGap). False when there is none.
    bool drop_overflow_value(std::int64_t value);

    // A histogram of this kind was in the data (even with no IO in it).
    bool measured() const { return initialised_; }
    std::uint64_t count() const { return count_; }
    bool empty() const { return count_ == 0; }
    // Count-weighted mean of vscsiStats' own (integer) means.
    double mean() const;
    // For integer-valued metrics (outstanding IOs): each bucket (lo, hi] holds
    // values lo+1..hi (within the observed min..max), and vscsiStats' mean is
    // truncated, so the true mean is in [mean, mean + 1) too; the
    // intersection (the bucket bounds alone if the two disagree).
    MeanBounds integer_mean_bounds() const;
    // Sum of count x mean: total bytes for IO lengths.
    double value_sum() const { return value_sum_; }
    std::int64_t min() const { return min_; }
    std::int64_t max() const { return max_; }
    const HistogramLimits& limits() const { return limits_; }
    std::span<const std::uint64_t> frequencies() const { return {freqs_, nfreq_}; }

    // q in [0,1], nearest-rank: the bucket where the cumulative count first
    // reaches ceil(q*N). The result is clamped to the observed [min, max],
    // which also bounds the open first and overflow buckets. NaN when empty.
    double percentile(double q, PercentileMethod method) const;

    // Frequency of the bucket whose range is exactly (lo, hi]; 0 if none.
    std::uint64_t frequency_of_bucket(std::int64_t lo, std::int64_t hi) const;

  private:
    std::uint64_t frequency_total() const;  // of the buckets (a few dozen: summed when asked)
    void add_counts(const Histogram& h);
    void take_owned_copy(const HistogramAccumulator& o);
    void free_owned() noexcept;

    // 56 bytes: 16 of these per disk, 20,000 disks in a fleet-wide print.
    HistogramLimits limits_;
    std::uint64_t* freqs_ = nullptr;  // nfreq_ counts, owned when owns_
    std::uint32_t nfreq_ = 0;
    bool initialised_ = false;
    bool owns_ = false;
    std::uint64_t count_ = 0;
    double value_sum_ = 0;
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
};

}  // namespace vscsi
