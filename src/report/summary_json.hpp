#pragma once
// analysis/summary.json: the SPEC's contract shape plus per-disk detail. Pure.

#include <boost/json/object.hpp>
#include <map>
#include <ostream>
#include <string>

#include "analysis/job_analysis.hpp"

namespace vscsi {

// With `explained`, the notes on method and unit next to the figures; without,
// the figures alone (one disk of thousands: the job's metrics explain them).
boost::json::object metrics_to_json(const WorkloadMetrics& m, bool explained = true);
boost::json::object summary_to_json(const AnalysisResult& r,
                                    const std::map<std::string, std::string>& outputs);
// The same document written a disk at a time (never the whole of it in
// memory: a fleet-wide job has tens of thousands of disks). Pretty: indented,
// each disk on one line; else on one line.
void write_summary_json(std::ostream& out, const AnalysisResult& r,
                        const std::map<std::string, std::string>& outputs, bool pretty);

}  // namespace vscsi
