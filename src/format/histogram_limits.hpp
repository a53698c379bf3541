#pragma once
// The bucket limits of one histogram, shared between the histograms that have
// the same ones. Nearly every histogram has the limits ESXi uses for its kind:
// a host-wide print of 20,000 disks holds 320,000 histograms but a handful of
// distinct limit lists, so each histogram keeps a reference, not a copy.
// Immutable once made; copying is a reference count.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <vector>

namespace vscsi {

class HistogramLimits {
  public:
    HistogramLimits() = default;
    // Shares ESXi's table when `values` equal one of them; copies otherwise.
    explicit HistogramLimits(std::span<const std::int64_t> values);
    HistogramLimits(std::initializer_list<std::int64_t> values)
        : HistogramLimits(std::span<const std::int64_t>(values.begin(), values.size())) {}

    template <class It>
    void assign(It first, It last) {
        const std::vector<std::int64_t> v(first, last);
        *this = HistogramLimits(std::span<const std::int64_t>(v));
    }

    std::size_t size() const { return values_.size(); }
    bool empty() const { return values_.empty(); }
    std::int64_t operator[](std::size_t i) const { return values_[i]; }
    std::int64_t front() const { return values_.front(); }
    std::int64_t back() const { return values_.back(); }
    const std::int64_t* begin() const { return values_.data(); }
    const std::int64_t* end() const { return values_.data() + values_.size(); }
    std::span<const std::int64_t> values() const { return values_; }

    friend bool operator==(const HistogramLimits& a, const HistogramLimits& b) {
        return a.values_.data() == b.values_.data()
                   ? a.values_.size() == b.values_.size()
                   : std::equal(a.begin(), a.end(), b.begin(), b.end());
    }

  private:
    std::shared_ptr<const std::vector<std::int64_t>> owned_;  // null for ESXi's tables
    std::span<const std::int64_t> values_;
};

}  // namespace vscsi
