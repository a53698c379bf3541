#pragma once
// `vscsi import fio LOG...`: a job made of fio's per-I/O logs, re-measured as
// vscsiStats interval histograms, so any fio run (or a Linux workload fio
// captured) is analyzed, charted and compared like an ESXi one.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/fio_trace.hpp"
#include "app/csv_import.hpp"

namespace vscsi {

struct FioImportOptions {
    std::vector<std::filesystem::path> files;  // one job's iolog and/or latency logs
    double interval_seconds = 0;               // 0: a twentieth of the run, at least 1 s
    std::string name;                          // empty: fio-YYYYmmdd-HHMMSS
    std::optional<TimePoint> start;            // default: the newest log's mtime minus the run time
    std::string host;                          // where fio ran (for reports)
    std::map<std::string, std::string> tags;
    std::filesystem::path data_dir;
    bool keep_raw = true;  // copy the logs into the job's raw/ (evidence)
};

// Reads and pairs the logs. Errors: bad_data naming file:line:field, usage
// when the set of files makes no sense, failure when a file cannot be read.
Result<IoTrace> load_fio_trace(const std::vector<std::filesystem::path>& files);

// Seconds per sample when none is asked for: a twentieth of the run, >= 1 s.
double auto_interval_seconds(const IoTrace& trace);

// Errors like import_csv_files; nothing is left in the data directory on error.
Result<ImportResult> import_fio_logs(const FioImportOptions& options);

}  // namespace vscsi
