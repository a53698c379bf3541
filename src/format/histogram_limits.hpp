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

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::int64_t operator[](std::size_t i) const { return data_.get()[i]; }
    std::int64_t front() const { return data_.get()[0]; }
    std::int64_t back() const { return data_.get()[size_ - 1]; }
    const std::int64_t* begin() const { return data_.get(); }
    const std::int64_t* end() const { return data_.get() + size_; }
    std::span<const std::int64_t> values() const { return {data_.get(), size_}; }

    friend bool operator==(const HistogramLimits& a, const HistogramLimits& b) {
        return a.data_ == b.data_ ? a.size_ == b.size_
                                  : std::equal(a.begin(), a.end(), b.begin(), b.end());
    }

  private:
    // ESXi's tables: a pointer that owns nothing; other limits: shares their copy.
    std::shared_ptr<const std::int64_t> data_;
    std::uint32_t size_ = 0;
};

}  // namespace vscsi
