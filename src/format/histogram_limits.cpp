#include "format/histogram_limits.hpp"

#include <algorithm>

#include "format/bucket_limits.hpp"

namespace vscsi {

HistogramLimits::HistogramLimits(std::span<const std::int64_t> values) {
    if (values.empty()) return;
    // More limits than any histogram has are refused by the parser long before.
    size_ = static_cast<std::uint32_t>(values.size());
    for (const auto m :
         {Metric::io_length, Metric::seek_distance, Metric::latency, Metric::outstanding_ios}) {
        const auto esxi = esxi_bucket_limits(m);
        if (std::equal(values.begin(), values.end(), esxi.begin(), esxi.end())) {
            data_ = std::shared_ptr<const std::int64_t>(std::shared_ptr<void>{}, esxi.data());
            return;
        }
    }
    auto copy = std::make_shared<const std::vector<std::int64_t>>(values.begin(), values.end());
    data_ = std::shared_ptr<const std::int64_t>(copy, copy->data());
}

}  // namespace vscsi
