#include "analysis/seek_span.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "analysis/job_comparison.hpp"
#include "format/bucket_limits.hpp"

namespace vscsi {
namespace {

// P(D <= x) for D = X - Y, X and Y uniform on [0, s): triangular on (-s, s).
double distance_cdf(double x, double s) {
    if (x <= -s) return 0;
    if (x >= s) return 1;
    if (x < 0) return (s + x) * (s + x) / (2 * s * s);
    return 1 - (s - x) * (s - x) / (2 * s * s);
}

}  // namespace

std::vector<BucketShare> uniform_seek_shares(double span, double random) {
    const auto limits = esxi_bucket_limits(Metric::seek_distance);
    std::vector<BucketShare> out;
    double below = 0;
    for (std::size_t i = 0; i <= limits.size(); ++i) {
        BucketShare b;
        double cdf = 1;
        if (i > 0) b.low = limits[i - 1];
        if (i < limits.size()) {
            b.high = limits[i];
            b.key = std::to_string(limits[i]);
            cdf = distance_cdf(static_cast<double>(limits[i]), span);
        } else {
            b.key = ">" + std::to_string(limits.back());
        }
        b.percent = 100 * random * (cdf - below);
        below = cdf;
        if (b.high && *b.high == 1 && (!b.low || *b.low < 1)) b.percent += 100 * (1 - random);
        out.push_back(std::move(b));
    }
    return out;
}

SeekSpan fit_seek_span(const std::vector<BucketShare>& measured, double sequential_percent) {
    SeekSpan best;
    std::uint64_t total = 0;
    for (const auto& b : measured) total += b.count;
    const double random = std::isfinite(sequential_percent)
                              ? std::clamp(1 - sequential_percent / 100, 0.0, 1.0)
                              : 1.0;
    if (static_cast<double>(total) * random < static_cast<double>(kMinRandomIosForSpan))
        return best;
    for (double log2 = 11; log2 <= 47; log2 += 0.125) {  // 2^11 LBNs = 1 MiB
        const double span = std::exp2(log2);
        const double d = total_variation_distance(measured, uniform_seek_shares(span, random));
        if (!std::isfinite(best.distance) || d < best.distance - 1e-12) {
            best.distance = d;
            best.span_lbns = span;
        }
    }
    return best;
}

}  // namespace vscsi
