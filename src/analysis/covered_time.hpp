#pragma once
// How long a vscsiStats print covers, read from its interarrival histograms:
// vscsiStats records no time, but every IO adds its gap to the previous one,
// so count x mean of "interarrival time" is the sum of the gaps. After a start
// (-s) the first gap is measured from long before (it is the max, in the
// overflow bucket): without it the sum is the time from the first IO to the
// last. Between two cumulative prints the first gap cancels out.
//
// Limits: a disk without two IOs tells nothing; the first-to-last-IO span is
// shorter than the collection by the idle time at both ends; vscsiStats
// prints an integer (truncated) mean, so a sum is known only to within
// `count` microseconds, which on long cumulative series can swamp the
// difference between two prints. Pure.

#include <optional>
#include <string>

#include "format/histogram.hpp"

namespace vscsi {

struct CoveredTime {
    double seconds = 0;      // best estimate (the longest span among the disks)
    double uncertainty = 0;  // +- seconds from the integer means
    std::string disk;        // the disk that gave it, e.g. "scsi0:0 (wg 2099979, handle 8194)"
    std::size_t disks_with_arrivals = 0;
};

// A print that started at -s or -r: count x mean - max, longest over disks.
std::optional<CoveredTime> covered_time_of_print(const VscsiStatsOutput& print);

// The same, a disk at a time (a print streamed through the parser).
class PrintCoveredTime {
  public:
    void add(const DiskHistograms& disk);
    const std::optional<CoveredTime>& result() const { return best_; }

  private:
    std::optional<CoveredTime> best_;
};

// Between two prints of counters that kept running: the growth of count x
// mean, longest over the disks present in both.
std::optional<CoveredTime> covered_time_between(const VscsiStatsOutput& earlier,
                                                const VscsiStatsOutput& later);

// True when no count or bucket of any histogram present in both went down:
// `later` continues `earlier` (cumulative counters) rather than restarting.
// False also when the two prints share no histogram.
bool continues_counters(const VscsiStatsOutput& earlier, const VscsiStatsOutput& later);

}  // namespace vscsi
