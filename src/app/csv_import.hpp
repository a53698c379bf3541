#pragma once
// `vscsi import`: a job made of hand-collected `vscsiStats -p all -c` output:
// one or more files, each holding one print or several appended ones, in
// time order. vscsiStats records no time, so each print's time is given
// (--interval) or inferred from its interarrival histograms
// (analysis/covered_time.hpp). Built in a temporary directory and renamed
// into place only when every file parsed, so a bad file leaves nothing behind.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/time.hpp"

namespace vscsi {

// How successive prints relate. Counters run from -s until -r or -x: prints
// of a running collection are cumulative (samples are their differences);
// prints each followed by -r each cover one interval.
enum class PrintSeries { detect, cumulative, reset };

struct ImportOptions {
    std::vector<std::filesystem::path> files;  // in time order
    // Given: every print covers this long. Otherwise inferred per print.
    std::optional<double> interval_seconds;
    PrintSeries series = PrintSeries::detect;
    std::string name;                // empty: import-YYYYmmdd-HHMMSS
    std::optional<TimePoint> start;  // default: the last file's mtime minus the time covered
    std::string host;
    std::string vm;
    std::map<std::string, std::string> tags;
    std::filesystem::path data_dir;
};

struct ImportResult {
    std::string job_id;
    std::filesystem::path dir;
    std::uint64_t samples = 0;
    std::string interval_note;  // which interval was used, given or inferred
    std::string series_note;    // how several prints were taken
    std::vector<std::string> warnings;
    std::vector<std::string> notes;  // what went in, e.g. per fio job counts
};

// Relative disagreement between a given --interval and the data above which
// the import warns.
inline constexpr double kIntervalDisagreement = 0.20;

// Errors: bad_data naming file:line:field, usage (e.g. no interval given and
// none can be inferred), failure (I/O); in every case nothing is left in the
// data directory.
Result<ImportResult> import_csv_files(const ImportOptions& options);

}  // namespace vscsi
