#pragma once
// How faithfully a synthetic run reproduces a measured profile: both are
// vscsiStats-shaped profiles (the run re-measured from fio's per-I/O logs), so
// the same figures are compared with stated tolerances. Pure.

#include <string>
#include <vector>

#include "analysis/workload_metrics.hpp"

namespace vscsi {

struct FidelityTolerances {
    double size_tvd = 0.05;          // IO-size distribution per direction, total variation distance
    double read_points = 2.0;        // read share, percentage points
    double mean_size_rel = 0.02;     // mean IO size per direction (bytes/s at equal IOPS), relative
    double sequential_points = 5.0;  // sequential share per direction, points
    double outstanding_rel = 0.15;   // mean outstanding IOs, relative
    double iops_rel =
        0.05;  // IOPS per direction, relative; scored only when the run was rate-limited
    double interarrival_tvd = 0.25;  // interarrival distribution; reported, scored only with strict
};

struct FidelityRow {
    std::string key;    // stable, e.g. "iops.read"
    std::string label;  // e.g. "read IOPS"
    double measured = kNaN, synthetic = kNaN;
    double deviation = kNaN;     // what the tolerance applies to (relative, points or TVD)
    std::string deviation_text;  // "+3.1%", "-0.4 pt", "TVD 0.021"
    double tolerance = kNaN;
    std::string tolerance_text;  // "±5%", "±2 pt", "<= 0.05"
    bool scored = true;
    bool pass = true;
};

struct FidelityScore {
    std::vector<FidelityRow> rows;
    bool pass = true;
    std::vector<std::string> notes;  // why a row is not scored, what failed
};

// `rate_limited`: the run replayed the measured IOPS (rate_iops), so IOPS are
// scored; `strict`: the interarrival distribution is scored too.
FidelityScore score_fidelity(const WorkloadMetrics& measured, const WorkloadMetrics& synthetic,
                             bool rate_limited, bool strict = false,
                             const FidelityTolerances& t = {});

}  // namespace vscsi
