#include "analysis/histogram_accumulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace vscsi {

std::string_view to_string(PercentileMethod m) {
    return m == PercentileMethod::interpolate ? "interpolate" : "bucket_upper_bound";
}

HistogramAccumulator::HistogramAccumulator(const HistogramAccumulator& o) {
    take_owned_copy(o);
}

HistogramAccumulator::HistogramAccumulator(HistogramAccumulator&& o) noexcept {
    *this = std::move(o);
}

HistogramAccumulator& HistogramAccumulator::operator=(const HistogramAccumulator& o) {
    if (this != &o) take_owned_copy(o);
    return *this;
}

HistogramAccumulator& HistogramAccumulator::operator=(HistogramAccumulator&& o) noexcept {
    if (this == &o) return *this;
    free_owned();
    // Counts in someone else's block stay there: both point at them, as a
    // DiskAccumulator's slots do when it moves with its block.
    limits_ = std::move(o.limits_);
    freqs_ = std::exchange(o.freqs_, nullptr);
    nfreq_ = std::exchange(o.nfreq_, 0);
    initialised_ = std::exchange(o.initialised_, false);
    owns_ = std::exchange(o.owns_, false);
    count_ = o.count_;
    value_sum_ = o.value_sum_;
    min_ = o.min_;
    max_ = o.max_;
    return *this;
}

HistogramAccumulator::~HistogramAccumulator() {
    free_owned();
}

void HistogramAccumulator::free_owned() noexcept {
    if (owns_) delete[] freqs_;
    freqs_ = nullptr;
    owns_ = false;
}

void HistogramAccumulator::take_owned_copy(const HistogramAccumulator& o) {
    std::uint64_t* copy = o.nfreq_ ? new std::uint64_t[o.nfreq_] : nullptr;
    std::copy(o.freqs_, o.freqs_ + o.nfreq_, copy);
    free_owned();
    limits_ = o.limits_;
    freqs_ = copy;
    owns_ = copy != nullptr;
    nfreq_ = o.nfreq_;
    initialised_ = o.initialised_;
    count_ = o.count_;
    value_sum_ = o.value_sum_;
    min_ = o.min_;
    max_ = o.max_;
}

void HistogramAccumulator::start_in(const Histogram& h, std::uint64_t* storage) {
    free_owned();
    limits_ = h.limits;
    freqs_ = storage;
    nfreq_ = static_cast<std::uint32_t>(h.frequencies.size());
    initialised_ = true;
    add_counts(h);
}

bool HistogramAccumulator::add(const Histogram& h) {
    if (!initialised_) {
        const auto n = h.frequencies.size();
        limits_ = h.limits;
        freqs_ = n ? new std::uint64_t[n]() : nullptr;
        owns_ = freqs_ != nullptr;
        nfreq_ = static_cast<std::uint32_t>(n);
        initialised_ = true;
    } else if (h.limits != limits_ || h.frequencies.size() != nfreq_) {
        return false;
    }
    add_counts(h);
    return true;
}

void HistogramAccumulator::add_counts(const Histogram& h) {
    for (std::size_t i = 0; i < nfreq_; ++i) freqs_[i] += h.frequencies[i];
    if (h.count > 0) {
        if (count_ == 0) {
            min_ = h.min;
            max_ = h.max;
        } else {
            min_ = std::min(min_, h.min);
            max_ = std::max(max_, h.max);
        }
        count_ += h.count;
        value_sum_ += static_cast<double>(h.count) * static_cast<double>(h.mean);
    }
}

bool HistogramAccumulator::drop_overflow_value(std::int64_t value) {
    if (nfreq_ == 0 || freqs_[nfreq_ - 1] == 0 || count_ == 0 || limits_.empty() ||
        value <= limits_.back())
        return false;
    --freqs_[nfreq_ - 1];
    --count_;
    value_sum_ -= static_cast<double>(value);
    return true;
}

void HistogramAccumulator::merge(const HistogramAccumulator& o) {
    if (!o.initialised_) return;
    if (!initialised_) {
        *this = o;
        return;
    }
    if (o.limits_ != limits_ || o.nfreq_ != nfreq_) return;
    for (std::size_t i = 0; i < nfreq_; ++i) freqs_[i] += o.freqs_[i];
    if (o.count_ > 0) {
        min_ = count_ == 0 ? o.min_ : std::min(min_, o.min_);
        max_ = count_ == 0 ? o.max_ : std::max(max_, o.max_);
        count_ += o.count_;
        value_sum_ += o.value_sum_;
    }
}

std::uint64_t HistogramAccumulator::frequency_total() const {
    std::uint64_t n = 0;
    for (auto f : frequencies()) n += f;
    return n;
}

double HistogramAccumulator::mean() const {
    return count_ == 0 ? std::numeric_limits<double>::quiet_NaN()
                       : value_sum_ / static_cast<double>(count_);
}

MeanBounds HistogramAccumulator::integer_mean_bounds() const {
    MeanBounds b;
    const auto total = frequency_total();
    if (total == 0 || count_ == 0) return b;
    double low_sum = 0, high_sum = 0;
    for (std::size_t i = 0; i < nfreq_; ++i) {
        if (freqs_[i] == 0) continue;
        const auto lo = i == 0 ? min_ : std::max(limits_[i - 1] + 1, min_);
        const auto hi = i == limits_.size() ? max_ : std::min(limits_[i], max_);
        low_sum += static_cast<double>(freqs_[i]) * static_cast<double>(lo);
        high_sum += static_cast<double>(freqs_[i]) * static_cast<double>(std::max(lo, hi));
    }
    const auto n = static_cast<double>(total);
    b = {low_sum / n, high_sum / n};
    const double m = mean();
    const double lo = std::max(b.low, m), hi = std::min(b.high, m + 1);
    if (lo <= hi) b = {lo, hi};
    return b;
}

double HistogramAccumulator::percentile(double q, PercentileMethod method) const {
    const auto total = frequency_total();
    if (total == 0) return std::numeric_limits<double>::quiet_NaN();
    q = std::clamp(q, 0.0, 1.0);
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total) - 1e-9)));
    std::uint64_t cum = 0;
    for (std::size_t i = 0; i < nfreq_; ++i) {
        const auto before = cum;
        cum += freqs_[i];
        if (cum < rank || freqs_[i] == 0) continue;
        const bool overflow = i == limits_.size();
        const double hi = overflow ? static_cast<double>(max_) : static_cast<double>(limits_[i]);
        double lo = i == 0 ? static_cast<double>(min_) : static_cast<double>(limits_[i - 1]);
        lo = std::max(lo, static_cast<double>(min_));
        double v = hi;
        if (method == PercentileMethod::interpolate) {
            const double frac = static_cast<double>(rank - before) / static_cast<double>(freqs_[i]);
            v = lo + (std::max(hi, lo) - lo) * frac;
        }
        return std::clamp(v, static_cast<double>(min_), static_cast<double>(max_));
    }
    return static_cast<double>(max_);
}

std::uint64_t HistogramAccumulator::frequency_of_bucket(std::int64_t lo, std::int64_t hi) const {
    for (std::size_t i = 1; i < limits_.size(); ++i)
        if (limits_[i - 1] == lo && limits_[i] == hi) return freqs_[i];
    return 0;
}

}  // namespace vscsi
