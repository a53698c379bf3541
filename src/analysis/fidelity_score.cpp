#include "analysis/fidelity_score.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "analysis/job_comparison.hpp"

namespace vscsi {
namespace {

FidelityRow make_row(std::string key, std::string label, double m = kNaN, double s = kNaN) {
    FidelityRow r;
    r.key = std::move(key);
    r.label = std::move(label);
    r.measured = m;
    r.synthetic = s;
    return r;
}

FidelityRow relative_row(std::string key, std::string label, double m, double s, double tol,
                         bool scored) {
    auto r = make_row(std::move(key), std::move(label), m, s);
    r.tolerance = tol;
    r.tolerance_text = fmt::format("\u00b1{:g}%", tol * 100);
    r.scored = scored;
    if (std::isfinite(m) && std::isfinite(s) && m != 0) {
        r.deviation = (s - m) / std::fabs(m);
        r.deviation_text = fmt::format("{:+.1f}%", r.deviation * 100);
        r.pass = std::fabs(r.deviation) <= tol;
    } else if (std::isfinite(m) && std::isfinite(s)) {  // measured 0
        r.deviation = s == 0 ? 0 : INFINITY;
        r.deviation_text = s == 0 ? "0" : "from zero";
        r.pass = s == 0;
    } else {
        r.deviation_text = "-";
        r.pass = !std::isfinite(m) && !std::isfinite(s);  // both absent is a match
    }
    return r;
}

FidelityRow points_row(std::string key, std::string label, double m, double s, double tol) {
    auto r = make_row(std::move(key), std::move(label), m, s);
    r.tolerance = tol;
    r.tolerance_text = fmt::format("\u00b1{:g} pt", tol);
    if (std::isfinite(m) && std::isfinite(s)) {
        r.deviation = s - m;
        r.deviation_text = fmt::format("{:+.1f} pt", r.deviation);
        r.pass = std::fabs(r.deviation) <= tol;
    } else {
        r.deviation_text = "-";
        r.pass = !std::isfinite(m) && !std::isfinite(s);
    }
    return r;
}

FidelityRow tvd_row(std::string key, std::string label, const std::vector<BucketShare>& m,
                    const std::vector<BucketShare>& s, double tol, bool scored) {
    auto r = make_row(std::move(key), std::move(label));
    r.tolerance = tol;
    r.tolerance_text = fmt::format("<= {:g}", tol);
    r.scored = scored;
    r.deviation = total_variation_distance(m, s);
    if (std::isfinite(r.deviation)) {
        r.deviation_text = fmt::format("TVD {:.3f}", r.deviation);
        r.pass = r.deviation <= tol;
    } else {
        r.deviation_text = "-";
        r.pass = m.empty() && s.empty();
    }
    return r;
}

// Standard error of a mean IO size over n IOs drawn from a size distribution
// (each bucket at its upper limit, where aligned sizes sit: a 64 KiB IO is the
// top of (48K,64K], and its middle understated the spread: a replay of 4,288
// writes with 64K among them missed a +-2.2% "3 SE" band by +3.2%): a run of a
// few thousand IOs cannot match a mean closer than this, whatever the job
// file says.
double mean_size_standard_error(const std::vector<BucketShare>& sizes, std::uint64_t n) {
    if (n == 0 || sizes.empty()) return kNaN;
    double mean = 0, sq = 0, total = 0;
    for (const auto& b : sizes) {
        const double x =
            b.high ? static_cast<double>(*b.high) : static_cast<double>(b.low.value_or(0));
        mean += b.percent * x;
        sq += b.percent * x * x;
        total += b.percent;
    }
    mean /= total;
    const double var = std::max(0.0, sq / total - mean * mean);
    return std::sqrt(var / static_cast<double>(n));
}

FidelityRow mean_size_row(std::string key, std::string label, double m, double s,
                          const std::vector<BucketShare>& sizes, std::uint64_t n, double tol) {
    const double se = mean_size_standard_error(sizes, n);
    const double noise = std::isfinite(se) && m > 0 ? 3 * se / m : 0;
    auto r = relative_row(std::move(key), std::move(label), m, s, std::max(tol, noise), true);
    if (noise > tol) r.tolerance_text = fmt::format("\u00b1{:.1f}% (3 SE)", noise * 100);
    return r;
}

}  // namespace

FidelityScore score_fidelity(const WorkloadMetrics& m, const WorkloadMetrics& s,
                             const FidelityRun& run, const FidelityTolerances& t) {
    const bool rate_limited = run.rate_limited, strict = run.strict;
    FidelityScore f;
    const bool reads = m.ios_read > 0, writes = m.ios_write > 0;
    f.rows.push_back(
        relative_row("iops.read", "read IOPS", m.iops.read, s.iops.read, t.iops_rel, rate_limited));
    f.rows.push_back(relative_row("iops.write", "write IOPS", m.iops.write, s.iops.write,
                                  t.iops_rel, rate_limited));
    if (!rate_limited)
        f.notes.push_back(
            "IOPS are not scored: the run went flat out (use --rate mean or peak to replay the "
            "measured rate)");
    f.rows.push_back(points_row("read_percent", "read share (%)", m.read_percent, s.read_percent,
                                t.read_points));
    if (reads || s.ios_read > 0)
        f.rows.push_back(tvd_row("io_size.read", "read IO-size distribution",
                                 m.sizes(Direction::read), s.sizes(Direction::read), t.size_tvd,
                                 true));
    if (writes || s.ios_write > 0)
        f.rows.push_back(tvd_row("io_size.write", "write IO-size distribution",
                                 m.sizes(Direction::write), s.sizes(Direction::write), t.size_tvd,
                                 true));
    if (reads || s.ios_read > 0)
        f.rows.push_back(mean_size_row("mean_io_bytes.read", "mean read size (B)",
                                       m.mean_io_bytes.read, s.mean_io_bytes.read,
                                       s.sizes(Direction::read), s.ios_read, t.mean_size_rel));
    if (writes || s.ios_write > 0)
        f.rows.push_back(mean_size_row("mean_io_bytes.write", "mean write size (B)",
                                       m.mean_io_bytes.write, s.mean_io_bytes.write,
                                       s.sizes(Direction::write), s.ios_write, t.mean_size_rel));
    if (reads || s.ios_read > 0)
        f.rows.push_back(points_row("sequential_percent.read", "sequential reads (%)",
                                    m.sequential_percent.read, s.sequential_percent.read,
                                    t.sequential_points));
    if (writes || s.ios_write > 0)
        f.rows.push_back(points_row("sequential_percent.write", "sequential writes (%)",
                                    m.sequential_percent.write, s.sequential_percent.write,
                                    t.sequential_points));
    f.rows.push_back(relative_row("queue_depth.mean", "mean outstanding IOs", m.queue_depth.mean,
                                  s.queue_depth.mean, t.outstanding_rel, true));
    // Shapes per direction: the means above can match while the streams do
    // not (a sequential scan and random writes average to neither).
    for (auto [d, name, n] : {std::tuple{Direction::read, "read", m.ios_read},
                              std::tuple{Direction::write, "write", m.ios_write}}) {
        if (n == 0 && (d == Direction::read ? s.ios_read : s.ios_write) == 0) continue;
        const std::string dir = name;
        const bool enough = n >= kMinShapeIos;
        if (!enough)
            f.notes.push_back(fmt::format(
                "{} shapes are reported, not scored: {} measured {}s are too few to tell a "
                "shape ({} needed)",
                dir, n, dir, kMinShapeIos));
        f.rows.push_back(relative_row("outstanding_mean." + dir, "mean outstanding " + dir + "s",
                                      m.outstanding_mean[d], s.outstanding_mean[d],
                                      t.outstanding_rel, true));
        f.rows.push_back(tvd_row("seek_distance." + dir, dir + " seek-distance distribution",
                                 m.distribution(Metric::seek_distance, d),
                                 s.distribution(Metric::seek_distance, d), t.shape_tvd,
                                 enough && run.seeks_not_scored.empty()));
        f.rows.push_back(tvd_row("outstanding_ios." + dir, dir + " outstanding-IO distribution",
                                 m.distribution(Metric::outstanding_ios, d),
                                 s.distribution(Metric::outstanding_ios, d), t.shape_tvd, enough));
    }
    if (!run.seeks_not_scored.empty())
        f.notes.push_back("seek-distance distributions are reported, not scored: " +
                          run.seeks_not_scored);
    f.rows.push_back(tvd_row("interarrival.total", "interarrival distribution",
                             m.distribution(Metric::interarrival, Direction::total),
                             s.distribution(Metric::interarrival, Direction::total),
                             t.interarrival_tvd, strict));
    if (!strict)
        f.notes.push_back(
            "the interarrival distribution is reported, not scored (--strict scores it)");
    for (const auto& r : f.rows) {
        if (!r.scored || r.pass) continue;
        f.pass = false;
        f.notes.push_back(fmt::format("{} is off by {} (tolerance {})", r.label, r.deviation_text,
                                      r.tolerance_text));
    }
    return f;
}

}  // namespace vscsi
