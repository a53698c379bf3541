#include "analysis/job_comparison.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "format/bucket_labels.hpp"

namespace vscsi {
namespace {

// U+2212 MINUS SIGN reads better than '-' next to numbers.
std::string signed_percent(double p) {
    const auto v = fmt::format("{:.0f}%", std::fabs(p));
    return (p < 0 ? "\u2212" : "+") + v;
}

std::string signed_points(double p) {
    return fmt::format("{}{:.1f} points", p < 0 ? "\u2212" : "+", std::fabs(p));
}

std::string value_text(const ProfileFigure& f) {
    return format_figure(f.value, f.decimals, "");
}

// Ranks changes: relative change, or points / 100 for shares.
double magnitude(const FigureDelta& d) {
    if (d.a.unit == "%") return std::fabs(d.delta) / 100.0;
    if (std::isfinite(d.delta_percent)) return std::fabs(d.delta_percent) / 100.0;
    return 1.0;  // from or to nothing
}

std::string verdict(const FigureDelta& d) {
    if (d.a.better == Better::neither || !std::isfinite(d.delta) || d.delta == 0) return "";
    const bool lower = d.delta < 0;
    return (lower == (d.a.better == Better::lower)) ? " (better)" : " (worse)";
}

}  // namespace

double total_variation_distance(const std::vector<BucketShare>& a,
                                const std::vector<BucketShare>& b) {
    if (a.empty() || b.empty()) return kNaN;
    std::map<std::string, std::pair<double, double>> p;
    for (const auto& x : a) p[x.key].first += x.percent / 100.0;
    for (const auto& x : b) p[x.key].second += x.percent / 100.0;
    double d = 0;
    for (const auto& [k, v] : p) d += std::fabs(v.first - v.second);
    return d / 2;
}

Comparison compare_profiles(const WorkloadMetrics& a, const WorkloadMetrics& b,
                            const ComparisonThresholds& t) {
    Comparison c;
    const auto fa = profile_figures(a);
    const auto fb = profile_figures(b);
    std::vector<const FigureDelta*> ranked;
    for (std::size_t i = 0; i < fa.size() && i < fb.size(); ++i) {
        FigureDelta d;
        d.a = fa[i];
        d.b = fb[i];
        const double va = fa[i].value, vb = fb[i].value;
        if (std::isfinite(va) && std::isfinite(vb)) {
            d.delta = vb - va;
            if (va != 0) d.delta_percent = 100.0 * d.delta / std::fabs(va);
            if (fa[i].unit == "%")
                d.changed = std::fabs(d.delta) >= t.min_points;
            else if (va == 0)
                d.changed = vb != 0;
            else
                d.changed = std::fabs(d.delta) / std::fabs(va) >= t.min_relative_change;
            // Differences below the printed precision are not changes.
            if (std::fabs(d.delta) < 0.5 * std::pow(10.0, -fa[i].decimals)) d.changed = false;
        } else if (std::isfinite(va) != std::isfinite(vb)) {
            d.changed = true;  // a direction appeared or vanished
        }
        const auto unit = fa[i].unit.empty() || fa[i].unit == "%" ? std::string(fa[i].unit)
                                                                  : " " + std::string(fa[i].unit);
        // A base that prints as zero makes a percentage meaningless
        // (0.0 -> 831.6 read IOPS printed +6236979%): say new/gone instead.
        const double shown = 0.5 * std::pow(10.0, -fa[i].decimals);
        const bool a_zero = std::isfinite(va) && std::fabs(va) < shown;
        const bool b_zero = std::isfinite(vb) && std::fabs(vb) < shown;
        std::string how;
        if (!std::isfinite(va) || !std::isfinite(vb))
            how = std::isfinite(vb) ? "new" : "gone";
        else if (fa[i].unit != "%" && a_zero && !b_zero) {
            how = "new";
            d.delta_percent = kNaN;
        } else if (fa[i].unit != "%" && b_zero && !a_zero)
            how = "gone";
        else if (fa[i].unit == "%")
            how = signed_points(d.delta);
        else if (std::isfinite(d.delta_percent))
            how = signed_percent(d.delta_percent);
        else
            how = "from zero";
        d.statement =
            fmt::format("{} {} \u2192 {}{}, {}{}", fa[i].label, value_text(fa[i]),
                        value_text(fb[i]), fa[i].unit == "%" ? "%" : unit, how, verdict(d));
        c.figures.push_back(std::move(d));
    }
    for (const auto& d : c.figures)
        if (d.changed) ranked.push_back(&d);
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](auto* x, auto* y) { return magnitude(*x) > magnitude(*y); });
    for (const auto* d : ranked) c.changes.push_back(d->statement);

    for (auto m : {Metric::io_length, Metric::seek_distance, Metric::outstanding_ios,
                   Metric::latency, Metric::interarrival}) {
        for (auto dir : {Direction::total, Direction::read, Direction::write}) {
            DistributionDelta dd;
            dd.metric = m;
            dd.direction = dir;
            const auto& da = a.distribution(m, dir);
            const auto& db = b.distribution(m, dir);
            dd.tvd = total_variation_distance(da, db);
            if (std::isfinite(dd.tvd) && dd.tvd >= t.min_tvd) {
                dd.changed = true;
                // The bucket whose share moved most says what the shift was.
                std::map<std::string, std::pair<const BucketShare*, const BucketShare*>> by_key;
                for (const auto& x : da) by_key[x.key].first = &x;
                for (const auto& x : db) by_key[x.key].second = &x;
                double best = -1;
                std::string moved;
                for (const auto& [k, v] : by_key) {
                    const double pa = v.first ? v.first->percent : 0,
                                 pb = v.second ? v.second->percent : 0;
                    if (std::fabs(pb - pa) <= best) continue;
                    best = std::fabs(pb - pa);
                    const auto* s = v.first ? v.first : v.second;
                    moved = fmt::format("{} {:.0f}% \u2192 {:.0f}% of IOs",
                                        bucket_label(m, s->high, s->low), pa, pb);
                }
                dd.statement =
                    fmt::format("{} distribution ({}) shifted: total variation distance {:.2f}; {}",
                                metric_title(m), direction_name(dir), dd.tvd, moved);
            }
            c.distributions.push_back(std::move(dd));
        }
    }
    for (const auto& d : c.distributions)
        if (d.changed) c.changes.push_back(d.statement);
    return c;
}

}  // namespace vscsi
