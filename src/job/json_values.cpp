#include "job/json_values.hpp"

#include <fmt/core.h>

namespace vscsi {

boost::json::value time_to_json(const std::optional<TimePoint>& t) {
    return t ? boost::json::value(format_iso8601(*t)) : boost::json::value(nullptr);
}

std::optional<TimePoint> read_time(const JsonFields& f, std::string_view key) {
    const auto s = f.string(key);
    if (s.empty()) return std::nullopt;
    auto t = parse_iso8601(s);
    if (!t)
        f.fail(key, fmt::format("'{}' is not an ISO 8601 time such as 2026-01-31T12:00:00Z", s));
    return t;
}

std::uint64_t read_count(const JsonFields& f, std::string_view key) {
    const auto v = f.integer(key, 0);
    if (v < 0) f.fail(key, "must not be negative");
    return static_cast<std::uint64_t>(v);
}

JobStatus read_job_status(const JsonFields& f, std::string_view key) {
    const auto s = f.string(key, true);
    const auto st = job_status_from_string(s);
    if (!st)
        f.fail(key,
               fmt::format("'{}' is not one of pending, running, completed, stopped, failed", s));
    return *st;
}

}  // namespace vscsi
