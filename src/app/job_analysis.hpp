#pragma once
// Analysis of a job directory: its samples through the pure analysis, plus
// what job.json says a sizing engineer must know (partial job, vscsiStats
// possibly still running on the host).

#include <span>

#include "analysis/job_analysis.hpp"
#include "job/job_dir.hpp"

namespace vscsi::app {

AnalysisResult analyze_job(const JobDir& dir, const JobMeta& meta, const AnalyzeOptions& options,
                           std::span<SampleObserver* const> observers = {});

}  // namespace vscsi::app
