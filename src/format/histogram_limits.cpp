#include "format/histogram_limits.hpp"

#include <algorithm>
#include <array>
#include <new>

#include "format/bucket_limits.hpp"

namespace vscsi {
namespace {

using Table = HistogramLimits::Table;
constexpr std::array kEsxiKinds = {Metric::io_length, Metric::seek_distance, Metric::latency,
                                   Metric::outstanding_ios};

const std::array<Table, kEsxiKinds.size()>& esxi_tables() {
    static std::array<Table, kEsxiKinds.size()> tables;
    static const bool filled = [] {
        for (std::size_t i = 0; i < kEsxiKinds.size(); ++i) {
            const auto v = esxi_bucket_limits(kEsxiKinds[i]);
            tables[i].values = v.data();
            tables[i].size = static_cast<std::uint32_t>(v.size());
        }
        return true;
    }();
    (void)filled;
    return tables;
}

}  // namespace

HistogramLimits::HistogramLimits(std::span<const std::int64_t> values) {
    if (values.empty()) return;
    for (const auto& t : esxi_tables()) {
        if (std::equal(values.begin(), values.end(), t.values, t.values + t.size)) {
            table_ = &t;
            return;
        }
    }
    // More limits than any histogram has are refused by the parser long before.
    void* raw = ::operator new(sizeof(Table) + values.size() * sizeof(std::int64_t));
    auto* t = new (raw) Table;
    auto* copy = reinterpret_cast<std::int64_t*>(static_cast<char*>(raw) + sizeof(Table));
    std::copy(values.begin(), values.end(), copy);
    t->values = copy;
    t->size = static_cast<std::uint32_t>(values.size());
    t->counted = true;
    table_ = t;
}

void HistogramLimits::destroy(const Table* t) noexcept {
    t->~Table();
    ::operator delete(const_cast<Table*>(t));
}

}  // namespace vscsi
