#pragma once
// One whole fio run, as the per-I/O logs of its jobs: each job's iolog paired
// with its latency log, and every job's I/Os merged into one trace per target
// file by issue time, so that outstanding IOs and seek distances are measured
// across jobs, as ESXi sees one virtual disk. Pure.

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/fio_trace.hpp"
#include "format/fio_logs.hpp"
#include "util/error.hpp"

namespace vscsi {

struct NamedIolog {
    std::string name;  // as given (file name), for messages
    FioIolog log;
};

struct NamedLatLog {
    std::string name;
    std::vector<FioLatEntry> entries;
};

// The job number fio puts in a log's name: NAME_lat.N.log, PREFIX.N.iolog
// (as vscsi writes per-job iologs); 0 when there is none.
std::uint64_t fio_job_number(const std::string& file_name);

// Share of a latency log's I/Os (direction, offset, length) that an iolog
// issued: about 1 for the same job's logs, about 0 for another job's random
// I/O. At most `max_checked` latency lines, spread over the log, are checked.
inline constexpr std::size_t kMatchCheckedLines = 4096;
double iolog_match(const FioIolog& iolog, const std::vector<FioLatEntry>& lat,
                   std::size_t max_checked = kMatchCheckedLines);

// A latency log belongs to the iolog holding at least this share of its I/Os.
inline constexpr double kMinLogMatch = 0.5;

struct FioJobPairing {
    std::size_t iolog = 0;          // index into the iologs
    std::vector<std::size_t> lats;  // indexes into the latency logs (several: stonewalled
                                    // jobs that shared one write_iolog)
    std::vector<double> match;      // iolog_match of each
};

// Pairs every latency log with an iolog: best match first, ties by job number
// (or the order given). Errors (usage) name a latency log that matches no
// iolog, and an iolog left without a latency log when latency logs are given.
Result<std::vector<FioJobPairing>> pair_fio_logs(const std::vector<NamedIolog>& iologs,
                                                 const std::vector<NamedLatLog>& lats);

struct FioRunOptions {
    // Latency logs without iologs count time from their own job's start: by
    // default the jobs started together (one group, fio's default); true
    // places each after the previous one ended (stonewall).
    bool jobs_in_sequence = false;
};

// The run's trace: `jobs` lists each job's logs and counts, then each target
// file's counts. Errors name the file: a log that holds no reads or writes,
// a log that pairs with nothing.
Result<IoTrace> merge_fio_run(const std::vector<NamedIolog>& iologs,
                              const std::vector<NamedLatLog>& lats, const FioRunOptions& options);

}  // namespace vscsi
