#pragma once
// `vscsi compare` output: terminal text, JSON and the HTML report. Pure.

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "analysis/job_analysis.hpp"
#include "analysis/job_comparison.hpp"
#include "chart/job_charts.hpp"
#include "job/job_meta.hpp"

namespace vscsi {

struct ComparedJob {
    const AnalysisResult* result = nullptr;
    const JobMeta* meta = nullptr;
};

// "A: sql-peak (host esxi01, VM SQL01, 2026-11-02T08:00Z to 10:00Z, 6 of 24 samples analyzed)"
std::string compared_job_line(std::string_view tag, const ComparedJob& j);

std::string human_comparison(const ComparedJob& a, const ComparedJob& b, const Comparison& c);
boost::json::object comparison_to_json(const ComparedJob& a, const ComparedJob& b,
                                       const Comparison& c);

struct ComparisonReportInput {
    ComparedJob a, b;
    const Comparison* comparison = nullptr;
    std::vector<RenderedChart> charts;
    std::vector<std::string> chart_problems;
};
std::string render_comparison_report(const ComparisonReportInput& in);

// Overlaid distributions, one chart per histogram kind both jobs have.
std::vector<ChartSpec> comparison_chart_specs(const ComparedJob& a, const ComparedJob& b,
                                              ImageFormat f);

}  // namespace vscsi
