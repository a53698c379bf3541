#include "analysis/sample_filter.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace vscsi {

std::string_view to_string(FilterMethod m) {
    switch (m) {
        case FilterMethod::none:
            return "none";
        case FilterMethod::percentile:
            return "percentile";
        case FilterMethod::statistical:
            return "statistical";
        case FilterMethod::absolute:
            return "absolute";
        case FilterMethod::automatic:
            return "auto";
    }
    return "?";
}

std::optional<FilterMethod> filter_method_from_string(std::string_view s) {
    for (auto m : {FilterMethod::none, FilterMethod::percentile, FilterMethod::statistical,
                   FilterMethod::absolute, FilterMethod::automatic})
        if (to_string(m) == s) return m;
    if (s == "automatic") return FilterMethod::automatic;
    return std::nullopt;
}

namespace {

// Linear interpolation between closest ranks (the common spreadsheet definition).
double percentile_of(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const double pos = p / 100.0 * static_cast<double>(v.size() - 1);
    const auto i = static_cast<std::size_t>(std::floor(pos));
    const double frac = pos - static_cast<double>(i);
    return i + 1 < v.size() ? v[i] + (v[i + 1] - v[i]) * frac : v[i];
}

FilterDecision automatic_split(std::vector<double> v) {
    FilterDecision d;
    d.method = FilterMethod::automatic;
    d.drop_zero = true;
    std::sort(v.begin(), v.end());
    // Otsu on log10(1+IOPS): idle and busy samples differ by orders of magnitude.
    std::vector<double> lg(v.size());
    std::transform(v.begin(), v.end(), lg.begin(), [](double x) { return std::log10(1.0 + x); });
    const double total = std::accumulate(lg.begin(), lg.end(), 0.0);
    const auto n = static_cast<double>(lg.size());
    double best = -1, prefix = 0;
    std::size_t split = 0;  // first index of the active class
    for (std::size_t k = 1; k < lg.size(); ++k) {
        prefix += lg[k - 1];
        if (lg[k] == lg[k - 1]) continue;
        const double w0 = static_cast<double>(k) / n, w1 = 1 - w0;
        const double m0 = prefix / static_cast<double>(k);
        const double m1 = (total - prefix) / (n - static_cast<double>(k));
        const double between = w0 * w1 * (m1 - m0) * (m1 - m0);
        if (between > best) {
            best = between;
            split = k;
        }
    }
    if (split == 0) {
        d.cutoff_iops = 0;
        d.explanation = "auto: all samples have the same activity; kept every sample with I/O";
        return d;
    }
    const double idle_mean = std::accumulate(v.begin(), v.begin() + static_cast<long>(split), 0.0) /
                             static_cast<double>(split);
    const double active_mean = std::accumulate(v.begin() + static_cast<long>(split), v.end(), 0.0) /
                               static_cast<double>(v.size() - split);
    // A real idle phase is far below the active one; otherwise there is nothing to drop.
    if (active_mean < 3.0 * idle_mean + 1.0) {
        d.cutoff_iops = 0;
        d.threshold = 0;
        d.explanation = fmt::format(
            "auto: no distinct idle phase (best split {:.1f} vs {:.1f} IOPS is less than 3x "
            "apart); kept every sample with I/O",
            idle_mean, active_mean);
        return d;
    }
    d.cutoff_iops = v[split];
    d.threshold = v[split];
    d.explanation = fmt::format(
        "auto: idle/active split at {:.1f} IOPS ({} idle samples averaging {:.1f} IOPS, {} active "
        "averaging {:.1f} IOPS)",
        d.cutoff_iops, split, idle_mean, v.size() - split, active_mean);
    return d;
}

}  // namespace

Result<void> check_filter_spec(const FilterSpec& spec) {
    const auto& t = spec.threshold;
    switch (spec.method) {
        case FilterMethod::percentile:
            if (t && !(*t >= 0 && *t <= 100))
                return Error{ErrorKind::usage,
                             fmt::format("percentile threshold {} is outside 0..100", *t),
                             "try --threshold 75"};
            break;
        case FilterMethod::statistical:
            if (t && !(*t >= 0))
                return Error{ErrorKind::usage,
                             fmt::format("statistical threshold k={} must be >= 0", *t),
                             "try --threshold 1"};
            break;
        case FilterMethod::absolute:
            if (!t)
                return Error{ErrorKind::usage, "the absolute filter needs --threshold IOPS",
                             "e.g. --threshold 500"};
            if (!(*t >= 0))
                return Error{ErrorKind::usage, "the absolute threshold must be >= 0 IOPS", ""};
            break;
        case FilterMethod::none:
        case FilterMethod::automatic:
            break;
    }
    return {};
}

FilterDecision decide_filter(const FilterSpec& spec, std::span<const float> sample_iops) {
    if (!check_filter_spec(spec))
        throw std::logic_error("decide_filter: the filter spec was not checked");
    std::vector<double> v(sample_iops.begin(), sample_iops.end());
    FilterDecision d;
    d.method = spec.method;
    if (v.empty()) {
        d.explanation = "no samples";
        return d;
    }
    switch (spec.method) {
        case FilterMethod::none:
            d.explanation = "none: every sample analyzed";
            return d;
        case FilterMethod::percentile: {
            const double p = spec.threshold.value_or(75.0);
            d.threshold = p;
            d.cutoff_iops = percentile_of(v, p);
            d.explanation = fmt::format(
                "percentile: kept samples at or above the {:g}th percentile of sample IOPS "
                "({:.1f} IOPS)",
                p, d.cutoff_iops);
            return d;
        }
        case FilterMethod::statistical: {
            const double k = spec.threshold.value_or(1.0);
            const double mean =
                std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
            double var = 0;
            for (double x : v) var += (x - mean) * (x - mean);
            const double sd = std::sqrt(var / static_cast<double>(v.size()));
            d.threshold = k;
            d.cutoff_iops = std::max(0.0, mean - k * sd);
            d.explanation = fmt::format(
                "statistical: kept samples at or above mean - {:g} sd = {:.1f} - {:g} x {:.1f} = "
                "{:.1f} IOPS",
                k, mean, k, sd, d.cutoff_iops);
            return d;
        }
        case FilterMethod::absolute: {
            d.threshold = *spec.threshold;
            d.cutoff_iops = *spec.threshold;
            d.explanation =
                fmt::format("absolute: kept samples with at least {:g} IOPS", d.cutoff_iops);
            return d;
        }
        case FilterMethod::automatic:
            return automatic_split(std::move(v));
    }
    return d;
}

}  // namespace vscsi
