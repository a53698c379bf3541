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

// What people read (terminal, report, charts): ISO 8601 to the second with its zone, in
// UTC unless the TZ environment variable names a zone: 2026-11-23T10:00:00Z, or
// 2026-11-23T11:00:00+01:00 with TZ=Europe/Berlin. Files keep format_iso8601.
std::string format_display_time(TimePoint t);
// Seconds east of UTC of the zone display times use, at t: 0 unless TZ is set.
long display_utc_offset(TimePoint t);
// The zone's name for titles: "UTC", or "UTC+01:00".
std::string display_zone_name(TimePoint t);
// A time typed by a user: ISO 8601 with Z or an offset as written; without one, a
// wall-clock time in the display zone (UTC unless TZ is set).
std::optional<TimePoint> parse_user_time(std::string_view s);

// A span as people say it: "42 s", "18 min 3 s", "2 h 05 min", "3 d 4 h".
std::string format_duration(double seconds);

double seconds_between(TimePoint a, TimePoint b);

}  // namespace vscsi
