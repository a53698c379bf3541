#pragma once
// `vscsi analyze --report`: the job's profile, filter decision, warnings,
// recommendations, charts and fio job in one self-contained HTML file. Pure.

#include <string>
#include <vector>

#include "analysis/job_analysis.hpp"
#include "chart/job_charts.hpp"
#include "job/job_meta.hpp"

namespace vscsi {

struct JobReportInput {
    const AnalysisResult* result = nullptr;
    const JobMeta* meta = nullptr;
    std::vector<RenderedChart> charts;
    std::vector<std::string> chart_problems;  // why some or all charts are missing
    std::string fio_job;                      // empty when nothing to size
    std::string fio_path;
};

std::string render_job_report(const JobReportInput& in);

// Shared with the comparison report: a table of profile figures, one column per profile.
struct ProfileColumn {
    std::string heading;
    const WorkloadMetrics* metrics;
};
std::string html_profile_table(const std::vector<ProfileColumn>& columns);

}  // namespace vscsi
