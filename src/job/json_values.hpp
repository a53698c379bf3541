#pragma once
// Values that vscsi's JSON documents (job.json, the daemon protocol) read and
// write the same way: times as ISO 8601 text or null, counts, job states.

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "format/json_fields.hpp"
#include "job/job_meta.hpp"

namespace vscsi {

boost::json::value time_to_json(const std::optional<TimePoint>& t);  // null when unset
std::optional<TimePoint> read_time(const JsonFields& f, std::string_view key);
std::uint64_t read_count(const JsonFields& f, std::string_view key);   // absent: 0
JobStatus read_job_status(const JsonFields& f, std::string_view key);  // required

}  // namespace vscsi
