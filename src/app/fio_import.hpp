#pragma once
// `vscsi import fio LOG...`: a job made of fio's per-I/O logs, re-measured as
// vscsiStats interval histograms, so any fio run (or a Linux workload fio
// captured) is analyzed, charted and compared like an ESXi one.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/fio_run.hpp"
#include "analysis/fio_trace.hpp"
#include "app/csv_import.hpp"

namespace vscsi {

struct FioImportOptions {
    // A run's iologs and/or latency logs, any number of jobs, or folders of them.
    std::vector<std::filesystem::path> files;
    FioRunOptions run;
    double interval_seconds = 0;     // 0: a twentieth of the run, at least 1 s
    std::string name;                // empty: fio-YYYYmmdd-HHMMSS
    std::optional<TimePoint> start;  // default: the newest log's mtime minus the run time
    std::string host;                // where fio ran (for reports)
    std::map<std::string, std::string> tags;
    std::filesystem::path data_dir;
    bool keep_raw = true;  // copy the logs into the job's raw/ (evidence)
};

struct FioRunLogs {
    std::vector<std::filesystem::path> files;  // the logs read (folders expanded)
    IoTrace trace;
};

// Reads, pairs and merges the logs. Errors: bad_data naming file:line:field,
// usage naming a file that pairs with nothing or holds no I/O, failure when a
// file cannot be read.
Result<FioRunLogs> load_fio_run(const std::vector<std::filesystem::path>& files,
                                const FioRunOptions& run = {});

// Seconds per sample when none is asked for: a twentieth of the run, >= 1 s.
double auto_interval_seconds(const IoTrace& trace);

// Errors like import_csv_files; nothing is left in the data directory on error.
Result<ImportResult> import_fio_logs(const FioImportOptions& options);

}  // namespace vscsi
