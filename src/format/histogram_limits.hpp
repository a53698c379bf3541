#pragma once
// The bucket limits of one histogram, shared between the histograms that have
// the same ones. Nearly every histogram has the limits ESXi uses for its kind:
// a host-wide print of 20,000 disks holds 320,000 histograms but a handful of
// distinct limit lists, so each histogram keeps a reference, not a copy.
// Immutable once made; copying is a reference count. One pointer wide, as it
// is in every histogram and in every sum of one (16 per disk).

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <utility>
#include <vector>

namespace vscsi {

class HistogramLimits {
  public:
    HistogramLimits() = default;
    // Shares ESXi's table when `values` equal one of them; copies otherwise.
    explicit HistogramLimits(std::span<const std::int64_t> values);
    HistogramLimits(std::initializer_list<std::int64_t> values)
        : HistogramLimits(std::span<const std::int64_t>(values.begin(), values.size())) {}
    HistogramLimits(const HistogramLimits& o) noexcept : table_(o.table_) { retain(); }
    HistogramLimits(HistogramLimits&& o) noexcept : table_(std::exchange(o.table_, nullptr)) {}
    HistogramLimits& operator=(const HistogramLimits& o) noexcept {
        HistogramLimits(o).swap(*this);
        return *this;
    }
    HistogramLimits& operator=(HistogramLimits&& o) noexcept {
        HistogramLimits(std::move(o)).swap(*this);
        return *this;
    }
    ~HistogramLimits() { release(); }
    void swap(HistogramLimits& o) noexcept { std::swap(table_, o.table_); }

    template <class It>
    void assign(It first, It last) {
        const std::vector<std::int64_t> v(first, last);
        *this = HistogramLimits(std::span<const std::int64_t>(v));
    }

    std::size_t size() const { return table_ ? table_->size : 0; }
    bool empty() const { return size() == 0; }
    std::int64_t operator[](std::size_t i) const { return table_->values[i]; }
    std::int64_t front() const { return table_->values[0]; }
    std::int64_t back() const { return table_->values[table_->size - 1]; }
    const std::int64_t* begin() const { return table_ ? table_->values : nullptr; }
    const std::int64_t* end() const { return begin() + size(); }
    std::span<const std::int64_t> values() const { return {begin(), size()}; }

    friend bool operator==(const HistogramLimits& a, const HistogramLimits& b) {
        return a.table_ == b.table_ || std::equal(a.begin(), a.end(), b.begin(), b.end());
    }

    // The table behind a handle: ESXi's are static (never counted or freed);
    // others are one allocation, the values right after the header.
    struct Table {
        const std::int64_t* values = nullptr;
        std::uint32_t size = 0;
        bool counted = false;
        mutable std::atomic<std::uint32_t> refs{1};
    };

  private:
    void retain() const noexcept {
        if (table_ && table_->counted) table_->refs.fetch_add(1, std::memory_order_relaxed);
    }
    void release() noexcept {
        if (table_ && table_->counted && table_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            destroy(table_);
    }
    static void destroy(const Table* t) noexcept;

    const Table* table_ = nullptr;
};

}  // namespace vscsi
