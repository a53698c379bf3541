#pragma once
// Before/after or VM-vs-VM: every profile figure side by side, how far the
// histogram shapes moved, and plain statements of what changed. Pure.

#include <string>
#include <vector>

#include "analysis/profile_figures.hpp"
#include "analysis/workload_metrics.hpp"

namespace vscsi {

struct ComparisonThresholds {
    // A figure "changed" when it moved by at least this share of its A value ...
    double min_relative_change = 0.10;
    // ... or, for shares in percent, by at least this many points.
    double min_points = 5.0;
    // A distribution "changed" at this total variation distance (0 = same, 1 = disjoint).
    double min_tvd = 0.10;
};

struct FigureDelta {
    ProfileFigure a, b;
    double delta = kNaN;          // b - a
    double delta_percent = kNaN;  // relative to a; NaN when a is 0 or missing
    bool changed = false;
    std::string statement;  // e.g. "p99 write latency 22.80 → 9.10 ms, −60% (better)"
};

struct DistributionDelta {
    Metric metric = Metric::io_length;
    Direction direction = Direction::total;
    double tvd = kNaN;  // NaN when either side has no IOs
    bool changed = false;
    std::string statement;  // names the bucket that moved most
};

struct Comparison {
    std::vector<FigureDelta> figures;
    std::vector<DistributionDelta> distributions;
    std::vector<std::string> changes;  // statements of what changed, largest change first
};

Comparison compare_profiles(const WorkloadMetrics& a, const WorkloadMetrics& b,
                            const ComparisonThresholds& t = {});

// Total variation distance between two bucket distributions (by bucket key).
double total_variation_distance(const std::vector<BucketShare>& a,
                                const std::vector<BucketShare>& b);

}  // namespace vscsi
