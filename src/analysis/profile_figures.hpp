#pragma once
// The figures of a workload profile as one flat list (key, label, unit, value):
// what report tables print and what `vscsi compare` lines up side by side.

#include <string_view>
#include <vector>

#include "analysis/workload_metrics.hpp"

namespace vscsi {

// Which way a change is an improvement; workload figures (IOPS, sizes) are
// neither: more IOPS after a change is a different load, not a better one.
enum class Better { neither, lower, higher };

struct ProfileFigure {
    std::string_view key;    // stable, e.g. "latency_ms.write.p99"
    std::string_view label;  // e.g. "p99 write latency"
    std::string_view unit;   // e.g. "ms"
    double value = kNaN;
    int decimals = 1;
    Better better = Better::neither;
};

std::vector<ProfileFigure> profile_figures(const WorkloadMetrics& m);

// "9.1 ms", "2,628.8", "-" for NaN.
std::string format_figure(double value, int decimals, std::string_view unit);

}  // namespace vscsi
