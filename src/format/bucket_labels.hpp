#pragma once
// Bucket limits as people read them: KiB for IO sizes (an IO-length bucket as
// the range of sizes it holds: "4K", "8–16K", "2–4K (unaligned)",
// ">512K"), µs/ms for times, a sign on seek distances (+1 is the next block,
// i.e. sequential).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "format/histogram.hpp"

namespace vscsi {

// A single limit, e.g. io_length 4096 -> "4K", 4095 -> "4095B"; latency 15000 -> "15ms".
std::string limit_label(Metric m, std::int64_t v);
// A bucket (low, high]: IO lengths as the range they hold, other metrics by
// their upper limit; ">LIMIT" for the overflow bucket (no high).
std::string bucket_label(Metric m, std::optional<std::int64_t> high,
                         std::optional<std::int64_t> low);
// The same without "(unaligned)", for chart axes.
std::string bucket_tick_label(Metric m, std::optional<std::int64_t> high,
                              std::optional<std::int64_t> low);
// Axis title with the unit, e.g. "IO length (K = KiB)".
std::string_view metric_axis_title(Metric m);
// Display name, e.g. "Seek distance".
std::string_view metric_title(Metric m);

}  // namespace vscsi
