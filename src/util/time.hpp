#pragma once
// UTC timestamps as ISO 8601 text, the form job.json and exports use.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vscsi {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::milliseconds>;

TimePoint now_ms();
std::string format_iso8601(TimePoint t);      // 2026-11-23T10:00:00Z (.mmm when not whole)
std::string format_compact_utc(TimePoint t);  // 20261123-100000, for generated names
std::optional<TimePoint> parse_iso8601(std::string_view s);  // Z or +hh:mm offsets
double seconds_between(TimePoint a, TimePoint b);

}  // namespace vscsi
