#pragma once
// One interval of histograms, as analysis sees it: where it came from and
// when, and the histograms of every disk (the file codec is job/sample_file).

#include <cstdint>
#include <string>

#include "format/histogram.hpp"
#include "util/time.hpp"

namespace vscsi {

struct SampleHeader {
    std::uint64_t seq = 0;  // 1-based, in collection order
    TimePoint start{};
    TimePoint end{};
    std::string origin;      // where the data came from (host or imported file)
    bool after_gap = false;  // the previous interval was lost (reconnect, reboot)

    double seconds() const { return seconds_between(start, end); }
};

struct Sample {
    SampleHeader header;
    VscsiStatsOutput data;
};

}  // namespace vscsi
