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
    double outstanding_rel = 0.15;   // mean outstanding IOs, whole disk and per direction, relative
    double shape_tvd = 0.10;  // seek-distance and outstanding-IO distributions per direction, TVD
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

// A distribution's shape is scored only when the measured direction has this
// many IOs: the TVD of a few IOs' histogram from any other is mostly noise.
inline constexpr std::uint64_t kMinShapeIos = 100;

// What the run could reproduce: non-empty `seeks_not_scored` says why the
// seek distances could not match (a target smaller than their span).
struct FidelityRun {
    bool rate_limited = false;  // replayed the measured IOPS (rate_iops): IOPS are scored
    bool strict = false;        // the interarrival distribution is scored too
    std::string seeks_not_scored;
};

FidelityScore score_fidelity(const WorkloadMetrics& measured, const WorkloadMetrics& synthetic,
                             const FidelityRun& run, const FidelityTolerances& t = {});

}  // namespace vscsi
