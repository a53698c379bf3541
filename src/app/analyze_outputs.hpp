#pragma once
// `vscsi analyze` as a use case: a job directory in, every output written
// (summary.json, the fio job and per-disk jobs, CSV/NDJSON exports, charts,
// the HTML report). The CLI only parses options and prints.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/job_analysis.hpp"
#include "chart/gnuplot_script.hpp"
#include "job/job_dir.hpp"
#include "report/fio_job.hpp"
#include "util/error.hpp"

namespace vscsi::app {

struct AnalyzeRequest {
    AnalyzeOptions analysis;
    FioParams fio;
    bool per_disk_fio = false;               // also one fio job per disk
    std::filesystem::path out_dir;           // empty: the job's analysis/
    std::string fio_path;                    // empty: OUT/JOB.fio
    std::optional<std::string> csv_path;     // set: write the CSV export ("" = OUT/histograms.csv)
    std::optional<std::string> ndjson_path;  // set: write NDJSON ("" = OUT/metrics.ndjson)
    bool charts = false;                     // into OUT/charts
    ImageFormat image_format = ImageFormat::png;
    std::optional<std::string> report_path;  // set: write the HTML report ("" = OUT/report.html)
    std::vector<std::string> notes;          // warnings to show first (e.g. from an import)
};

struct AnalyzeOutcome {
    AnalysisResult result;
    std::map<std::string, std::string> outputs;  // what was written where ("fio", "summary", ...)
};

Result<AnalyzeOutcome> analyze_to_outputs(const JobDir& dir, const JobMeta& meta,
                                          const AnalyzeRequest& request);

}  // namespace vscsi::app
