#pragma once
// The profile as a person reads it on a terminal. Pure.

#include <string>

#include "analysis/job_analysis.hpp"

namespace vscsi {

std::string human_profile(const WorkloadMetrics& m, std::string_view indent = "  ");
std::string human_recommendations(const std::vector<Recommendation>& recs);
std::string human_summary(const AnalysisResult& r);

}  // namespace vscsi
