#pragma once
// vscsiStats counters are cumulative since start or reset. An interval sample
// is the difference of two cumulative prints; this loses no I/O between
// samples (print-then-reset would drop what arrives between the two commands).

#include <optional>
#include <string>

#include "format/histogram.hpp"
#include "util/error.hpp"

namespace vscsi {

struct DeltaReport {
    bool counters_reset = false;  // some counter went backwards: collection restarted
    std::string detail;           // which disk/histogram showed it
};

// out = cur - prev, per disk and histogram. Disks or histograms missing from
// `prev` are taken whole (collection started during the interval). When any
// counter of a disk went backwards (reset, restart, host reboot), that disk's
// `cur` is taken whole and the report says so. min/max of an interval cannot
// be recovered from two cumulative prints: they keep the cumulative bounds.
// Fails (bad_data) when bucket limits differ (a different vscsiStats).
Result<void> subtract_cumulative(const VscsiStatsOutput& prev, const VscsiStatsOutput& cur,
                                 VscsiStatsOutput& out, DeltaReport& report);

}  // namespace vscsi
