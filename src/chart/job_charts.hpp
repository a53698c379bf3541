#pragma once
// The chart set of an analyzed job: per disk a time series and one 3D surface
// per histogram kind; for jobs over several disks also the job total over time.

#include <optional>
#include <string>
#include <vector>

#include "analysis/job_analysis.hpp"
#include "analysis/sample_series.hpp"
#include "chart/gnuplot_script.hpp"
#include "util/error.hpp"

namespace vscsi {

struct ChartSpec {
    std::string name;  // file stem, e.g. "scsi0_0-wg2099979-latency-3d"
    std::string title;
    std::string caption;  // what to look for (the report prints it under the chart)
    std::string section;  // the disk it belongs to, or "job"
    std::string script;   // gnuplot program
};

struct RenderedChart {
    ChartSpec spec;
    ImageFormat format = ImageFormat::png;
    std::string image;  // bytes
};

std::vector<ChartSpec> job_chart_specs(const AnalysisResult& r, const SampleSeriesCollector& series,
                                       ImageFormat f);

// Where gnuplot is: $VSCSI_GNUPLOT if set (an empty or missing path means
// "not installed", which tests use), else `gnuplot` in PATH.
std::optional<std::string> find_gnuplot();
inline constexpr const char* kGnuplotInstallHint =
    "install gnuplot to draw charts (Debian/Ubuntu: apt-get install gnuplot-nox; RHEL: dnf install "
    "gnuplot)";

// Runs one chart through gnuplot; fails with what gnuplot said.
Result<RenderedChart> render_chart(const std::string& gnuplot, const ChartSpec& spec,
                                   ImageFormat f);

// Renders every chart with find_gnuplot(), several gnuplot processes at a time
// (one per core); results keep the order of `specs`. Failures, or a missing
// gnuplot with how to install it, are added to `problems`.
std::vector<RenderedChart> render_charts(const std::vector<ChartSpec>& specs, ImageFormat f,
                                         std::vector<std::string>& problems);

}  // namespace vscsi
