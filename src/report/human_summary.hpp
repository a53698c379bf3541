#pragma once
// The profile as a person reads it on a terminal. Pure.

#include <string>

#include "analysis/job_analysis.hpp"

namespace vscsi {

std::string human_profile(const WorkloadMetrics& m, std::string_view indent = "  ");
std::string human_recommendations(const std::vector<Recommendation>& recs);
// Per-disk sections for at most this many disks by default (a host-wide job
// has hundreds, a fleet tens of thousands); the busiest come first.
inline constexpr std::size_t kShownDisks = 16;
// `job_hint` names the job in the line that says how to see every disk.
std::string human_summary(const AnalysisResult& r, std::size_t shown_disks = kShownDisks,
                          std::string_view job_hint = "JOB");

}  // namespace vscsi
