#include "analysis/histogram_accumulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vscsi {

std::string_view to_string(PercentileMethod m) {
    return m == PercentileMethod::interpolate ? "interpolate" : "bucket_upper_bound";
}

bool HistogramAccumulator::add(const Histogram& h) {
    if (!initialised_) {
        limits_ = h.limits;
        freqs_.assign(h.frequencies.size(), 0);
        initialised_ = true;
    } else if (h.limits != limits_) {
        return false;
    }
    for (std::size_t i = 0; i < freqs_.size(); ++i) freqs_[i] += h.frequencies[i];
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
    return true;
}

bool HistogramAccumulator::drop_overflow_value(std::int64_t value) {
    if (freqs_.empty() || freqs_.back() == 0 || count_ == 0 || limits_.empty() ||
        value <= limits_.back())
        return false;
    --freqs_.back();
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
    if (o.limits_ != limits_) return;
    for (std::size_t i = 0; i < freqs_.size(); ++i) freqs_[i] += o.freqs_[i];
    if (o.count_ > 0) {
        min_ = count_ == 0 ? o.min_ : std::min(min_, o.min_);
        max_ = count_ == 0 ? o.max_ : std::max(max_, o.max_);
        count_ += o.count_;
        value_sum_ += o.value_sum_;
    }
}

std::uint64_t HistogramAccumulator::frequency_total() const {
    std::uint64_t n = 0;
    for (auto f : freqs_) n += f;
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
    for (std::size_t i = 0; i < freqs_.size(); ++i) {
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
    for (std::size_t i = 0; i < freqs_.size(); ++i) {
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
