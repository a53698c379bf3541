#pragma once
// `vscsi import`: a job made of hand-collected `vscsiStats -p all -c` files,
// one file per sample. Built in a temporary directory and renamed into place
// only when every file parsed, so a bad file leaves nothing behind.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/time.hpp"

namespace vscsi {

struct ImportOptions {
    std::vector<std::filesystem::path> files;  // in time order
    double interval_seconds = 0;
    std::string name;  // empty: import-YYYYmmdd-HHMMSS
    // Files are successive prints of counters that kept running (vscsiStats
    // counts since start/reset): samples are the differences between them.
    // Otherwise each file already covers one interval (reset after print).
    bool cumulative = false;
    std::optional<TimePoint> start;  // default: first file's mtime minus one interval
    std::string host;
    std::string vm;
    std::map<std::string, std::string> tags;
    std::filesystem::path data_dir;
};

struct ImportResult {
    std::string job_id;
    std::filesystem::path dir;
    std::uint64_t samples = 0;
    std::vector<std::string> warnings;
};

// Errors: bad_data naming file:line:field, usage, failure (I/O); in every
// case nothing is left in the data directory.
Result<ImportResult> import_csv_files(const ImportOptions& options);

}  // namespace vscsi
