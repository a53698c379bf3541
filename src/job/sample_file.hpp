#pragma once
// A sample file: a few '# key: value' lines saying which interval it covers,
// then the interval histograms in vscsiStats' own CSV format (readable by any
// tool that reads vscsiStats output). Pure codec.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "format/histogram.hpp"
#include "format/parse_error.hpp"
#include "util/time.hpp"

namespace vscsi {

inline constexpr int kSampleFormatVersion = 1;

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

std::string encode_sample(const SampleHeader& h, const VscsiStatsOutput& data);

// Decodes into `out` (buffers reused). Errors name `source` and the line.
std::optional<ParseError> decode_sample(std::string_view text, const std::string& source,
                                        Sample& out);

}  // namespace vscsi
