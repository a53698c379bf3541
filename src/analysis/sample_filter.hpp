#pragma once
// Which samples represent the workload to size: idle samples are dropped so
// the peak is not diluted. Decided from one activity figure per sample (IOPS).

#include <optional>
#include <span>
#include <string>

#include "util/error.hpp"

namespace vscsi {

enum class FilterMethod {
    none,         // keep every sample
    percentile,   // keep samples at or above the P-th percentile of sample IOPS (default P=75)
    statistical,  // keep samples at or above mean - k*sd (default k=1)
    absolute,     // keep samples at or above N IOPS
    automatic,    // split idle/active where they separate best (Otsu on log IOPS)
};

std::string_view to_string(FilterMethod m);
std::optional<FilterMethod> filter_method_from_string(std::string_view s);

struct FilterSpec {
    FilterMethod method = FilterMethod::percentile;
    std::optional<double> threshold;  // meaning depends on the method
};

struct FilterDecision {
    FilterMethod method = FilterMethod::none;
    double threshold = 0;    // the parameter used (P, k or IOPS)
    double cutoff_iops = 0;  // samples with IOPS >= cutoff are analyzed
    bool drop_zero = false;  // samples with no I/O at all are never "active"
    std::string explanation;

    bool keeps(double iops) const {
        if (drop_zero && iops <= 0) return false;
        return iops >= cutoff_iops;
    }
};

// A threshold outside the method's range is a usage error (checked where the
// spec is made: decide_filter expects a valid one).
Result<void> check_filter_spec(const FilterSpec& spec);
FilterDecision decide_filter(const FilterSpec& spec, std::span<const float> sample_iops);

}  // namespace vscsi
