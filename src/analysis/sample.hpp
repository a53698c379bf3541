#pragma once
// One interval of histograms, as analysis sees it: where it came from and
// when, and the histograms of every disk (the file codec is job/sample_file).

#include <cstdint>
#include <string>
#include <vector>

#include "format/histogram.hpp"
#include "util/time.hpp"

namespace vscsi {

// An interarrival histogram of a sample that holds the first IO after a `-s`:
// that IO's gap reaches back to before the collection (it is the histogram's
// max, in the overflow bucket) and is no interarrival of the workload.
struct FirstIoGap {
    std::int64_t world_group_id = 0;
    std::int64_t handle_id = 0;
    Direction direction = Direction::total;
    bool operator==(const FirstIoGap&) const = default;
};

struct SampleHeader {
    std::uint64_t seq = 0;  // 1-based, in collection order
    TimePoint start{};
    TimePoint end{};
    std::string origin;                     // where the data came from (host or imported file)
    bool after_gap = false;                 // the previous interval was lost (reconnect, reboot)
    std::vector<FirstIoGap> first_io_gaps;  // collected samples only (the collector knows)

    double seconds() const { return seconds_between(start, end); }
};

struct Sample {
    SampleHeader header;
    VscsiStatsOutput data;
};

}  // namespace vscsi
