#pragma once
// How far apart a workload's random IOs land, from its seek-distance
// histogram: the span of LBNs that uniformly random offsets would have to
// cover to give the measured distances. A replay on a file of that size
// reproduces the distances; on a bigger or smaller one every random seek
// lands in other buckets. Pure.

#include <cstdint>
#include <vector>

#include "analysis/workload_metrics.hpp"

namespace vscsi {

// Bucket shares (percent) of seek distances when a share `random` (0..1) of
// IOs go to uniformly random LBNs over `span_lbns` and the rest follow the
// previous IO (+1), over ESXi's seek-distance buckets.
std::vector<BucketShare> uniform_seek_shares(double span_lbns, double random);

struct SeekSpan {
    double span_lbns = kNaN;  // NaN: nothing to fit (too few random IOs)
    double distance = kNaN;   // TVD between the measured shares and the fitted model
};

// Fits the span (1 MiB .. 64 TiB, in steps of 2^(1/8)) that minimises the
// TVD; needs at least `min_random_ios` IOs that are not sequential.
inline constexpr std::uint64_t kMinRandomIosForSpan = 20;
SeekSpan fit_seek_span(const std::vector<BucketShare>& measured, double sequential_percent);

}  // namespace vscsi
