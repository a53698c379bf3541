#pragma once
// analysis/summary.json: the SPEC's contract shape plus per-disk detail. Pure.

#include <boost/json/object.hpp>
#include <map>
#include <string>

#include "analysis/job_analysis.hpp"

namespace vscsi {

boost::json::object metrics_to_json(const WorkloadMetrics& m);
boost::json::object summary_to_json(const AnalysisResult& r,
                                    const std::map<std::string, std::string>& outputs);

}  // namespace vscsi
