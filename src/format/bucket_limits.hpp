#pragma once
// The bucket limits ESXi 5.x-8.x use for each histogram kind (the overflow
// bucket is implied). The parser does not require them - formats may change -
// but generators (simulator, fio log converter) must produce the same buckets.

#include <cstdint>
#include <span>

#include "format/histogram.hpp"

namespace vscsi {

std::span<const std::int64_t> esxi_bucket_limits(Metric m);

}  // namespace vscsi
