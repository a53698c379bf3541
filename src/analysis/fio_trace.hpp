#pragma once
// Per-I/O records from fio's logs, re-measured the way vscsiStats measures a
// virtual disk: interval histograms with ESXi's bucket limits of IO length,
// seek distance (512-byte LBNs from the end of the previous command, +1 =
// sequential; per direction from the previous command of that direction),
// outstanding IOs when an IO is issued (the new IO included), latency and
// interarrival time (µs). Pure.

#include <cstdint>
#include <string>
#include <vector>

#include "format/fio_logs.hpp"
#include "format/histogram.hpp"
#include "util/time.hpp"

namespace vscsi {

struct IoRecord {
    std::uint64_t issue_us = 0;
    std::uint64_t complete_us = 0;  // == issue_us when no latency is known
    std::uint64_t offset = 0;
    std::uint32_t length = 0;
    std::uint32_t file = 0;
    FioDir dir = FioDir::read;
};

struct IoTrace {
    std::vector<std::string> files;
    std::vector<IoRecord> ios;       // in issue order
    bool has_latency = false;        // latency and outstanding IOs are known
    bool exact_issue_times = false;  // from the iolog (µs), not derived from ms completion times
    std::vector<std::string> warnings;
    std::vector<std::string> jobs;  // per fio job merged: its logs and read/write counts
};

// Pairs an iolog (issue order, µs) with a latency log (completion ms + latency
// ns) I/O by I/O: same direction, offset and length, oldest first. Either may
// be missing (nullptr), not both. Trims are dropped (vscsiStats histograms
// have no trim direction), with a warning.
IoTrace build_io_trace(const FioIolog* iolog, const std::vector<FioLatEntry>* lat);

struct TraceInterval {
    TimePoint start{}, end{};
    VscsiStatsOutput data;  // one disk per file that did I/O
};

// Cuts the trace into intervals of `interval_us` from its first issue and
// histograms each. `base` is the wall-clock time of trace time 0. Files become
// disks with world group 0, handle = 1 + file index, label = the file name.
std::vector<TraceInterval> trace_histograms(const IoTrace& trace, std::uint64_t interval_us,
                                            TimePoint base);

}  // namespace vscsi
