#include "format/histogram_limits.hpp"

#include <algorithm>

#include "format/bucket_limits.hpp"

namespace vscsi {

HistogramLimits::HistogramLimits(std::span<const std::int64_t> values) {
    if (values.empty()) return;
    for (const auto m :
         {Metric::io_length, Metric::seek_distance, Metric::latency, Metric::outstanding_ios}) {
        const auto esxi = esxi_bucket_limits(m);
        if (std::equal(values.begin(), values.end(), esxi.begin(), esxi.end())) {
            values_ = esxi;
            return;
        }
    }
    owned_ = std::make_shared<const std::vector<std::int64_t>>(values.begin(), values.end());
    values_ = *owned_;
}

}  // namespace vscsi
