#include "report/comparison_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/sample_series.hpp"
#include "format/bucket_labels.hpp"
#include "report/html_page.hpp"
#include "report/summary_json.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace json = boost::json;
namespace {

std::string vms_of(const JobMeta& m) {
    std::string vms;
    for (const auto& t : m.targets) {
        if (!vms.empty()) vms += ", ";
        vms += t.vm_name.empty() ? fmt::format("wg {}", t.world_group_id) : t.vm_name;
    }
    return vms;
}

std::string delta_text(const FigureDelta& d) {
    if (!std::isfinite(d.delta)) return "-";
    const auto s = format_figure(d.delta, d.a.decimals, "");
    return d.delta > 0 ? "+" + s : s;
}

std::string delta_percent_text(const FigureDelta& d) {
    if (d.a.unit == "%") return std::isfinite(d.delta) ? fmt::format("{:+.1f} pt", d.delta) : "-";
    return std::isfinite(d.delta_percent) ? fmt::format("{:+.1f}%", d.delta_percent) : "-";
}

}  // namespace

std::string compared_job_line(std::string_view tag, const ComparedJob& j) {
    const auto& r = *j.result;
    const auto& m = *j.meta;
    std::string where = m.host.hostname.empty() ? "imported" : "host " + m.host.hostname;
    const auto vms = vms_of(m);
    if (!vms.empty()) where += ", VM " + vms;
    std::string period = r.first_start && r.last_end
                             ? fmt::format("{} to {}", format_display_time(*r.first_start),
                                           format_display_time(*r.last_end))
                             : "no samples";
    return fmt::format("{}: {} ({}, {}, {} of {} samples analyzed)", tag, r.job_id, where, period,
                       r.samples_analyzed, r.samples_total);
}

std::string human_comparison(const ComparedJob& a, const ComparedJob& b, const Comparison& c) {
    std::string o;
    auto out = std::back_inserter(o);
    fmt::format_to(out, "{}\n{}\n", compared_job_line("A", a), compared_job_line("B", b));
    for (const auto* j : {&a, &b})
        for (const auto& w : j->result->warnings)
            fmt::format_to(out, "Warning ({}): {}\n", j->result->job_id, w);
    o += "\nWhat changed (A \u2192 B):\n";
    if (c.changes.empty()) o += "  nothing moved by 10% (5 points for shares) or more\n";
    for (const auto& s : c.changes) fmt::format_to(out, "  - {}\n", s);
    auto label_of = [](const FigureDelta& d) {
        return std::string(d.a.label) +
               (d.a.unit.empty() ? std::string() : " (" + std::string(d.a.unit) + ")");
    };
    std::size_t width = 22;
    for (const auto& d : c.figures) width = std::max(width, label_of(d).size());
    fmt::format_to(out, "\n  {:<{}} {:>14} {:>14} {:>14} {:>10}\n", "figure", width, "A", "B",
                   "delta", "change");
    for (const auto& d : c.figures) {
        const bool from_zero = d.a.unit != "%" && std::isfinite(d.a.value) &&
                               std::isfinite(d.b.value) &&
                               std::fabs(d.a.value) < 0.5 * std::pow(10.0, -d.a.decimals) &&
                               std::fabs(d.b.value) >= 0.5 * std::pow(10.0, -d.b.decimals);
        fmt::format_to(out, "  {:<{}} {:>14} {:>14} {:>14} {:>10}{}\n", label_of(d), width,
                       format_figure(d.a.value, d.a.decimals, ""),
                       format_figure(d.b.value, d.b.decimals, ""), delta_text(d),
                       from_zero ? "new" : delta_percent_text(d), d.changed ? " *" : "");
    }
    o += "\nDistribution shape (total variation distance, 0 = same, 1 = disjoint):\n";
    for (const auto m : kChartMetrics) {
        std::string line;
        for (const auto& d : c.distributions) {
            if (d.metric != m) continue;
            if (!line.empty()) line += ", ";
            line += fmt::format("{} {}", direction_name(d.direction),
                                std::isfinite(d.tvd) ? fmt::format("{:.2f}", d.tvd) : "-");
        }
        fmt::format_to(out, "  {:<18} {}\n", metric_title(m), line);
    }
    return o;
}

json::object comparison_to_json(const ComparedJob& a, const ComparedJob& b, const Comparison& c) {
    json::array figures;
    for (const auto& d : c.figures)
        figures.push_back({{"key", d.a.key},
                           {"label", d.a.label},
                           {"unit", d.a.unit},
                           {"a", round_to(d.a.value, 4)},
                           {"b", round_to(d.b.value, 4)},
                           {"delta", round_to(d.delta, 4)},
                           {"delta_percent", round_to(d.delta_percent, 2)},
                           {"changed", d.changed},
                           {"better", d.a.better == Better::lower    ? "lower"
                                      : d.a.better == Better::higher ? "higher"
                                                                     : "neither"}});
    json::array dists;
    for (const auto& d : c.distributions)
        dists.push_back({{"metric", metric_name(d.metric)},
                         {"direction", direction_name(d.direction)},
                         {"total_variation_distance", round_to(d.tvd, 4)},
                         {"changed", d.changed}});
    json::array changes;
    for (const auto& s : c.changes) changes.emplace_back(s);
    auto side = [](const ComparedJob& j) {
        return json::object{{"job_id", j.result->job_id},
                            {"samples_analyzed", j.result->samples_analyzed},
                            {"samples_total", j.result->samples_total},
                            {"metrics", metrics_to_json(j.result->total)},
                            {"warnings", [&] {
                                 json::array w;
                                 for (const auto& x : j.result->warnings) w.emplace_back(x);
                                 return w;
                             }()}};
    };
    return {{"a", side(a)},
            {"b", side(b)},
            {"changes", std::move(changes)},
            {"figures", std::move(figures)},
            {"distributions", std::move(dists)}};
}

std::vector<ChartSpec> comparison_chart_specs(const ComparedJob& a, const ComparedJob& b,
                                              ImageFormat f) {
    std::vector<ChartSpec> specs;
    const auto& ma = a.result->total;
    const auto& mb = b.result->total;
    const auto la = "A: " + a.result->job_id, lb = "B: " + b.result->job_id;
    for (auto m : kChartMetrics) {
        bool any = false;
        for (auto d : kAllDirections)
            any = any || !ma.distribution(m, d).empty() || !mb.distribution(m, d).empty();
        if (!any) continue;
        specs.push_back(
            {fmt::format("compare-{}", metric_name(m)), fmt::format("{}: A vs B", metric_title(m)),
             "Percent of IOs per histogram bucket over each job's analyzed samples; light bars are "
             "A, "
             "dark bars B. Blue total, green read, red write.",
             "compare",
             distribution_overlay_script(m, ma, la, mb, lb, f,
                                         fmt::format("{}: {} vs {}", metric_title(m), la, lb))});
    }
    return specs;
}

std::string render_comparison_report(const ComparisonReportInput& in) {
    const auto& c = *in.comparison;
    std::string b;
    auto out = std::back_inserter(b);
    fmt::format_to(out, "<h1>Workload comparison: {} vs {}</h1>\n",
                   html_escape(in.a.result->job_id), html_escape(in.b.result->job_id));
    fmt::format_to(out, "<p class=\"sub\">{}<br>{}</p>\n",
                   html_escape(compared_job_line("A", in.a)),
                   html_escape(compared_job_line("B", in.b)));
    std::vector<std::string> warnings;
    for (const auto* j : {&in.a, &in.b})
        for (const auto& w : j->result->warnings) warnings.push_back(j->result->job_id + ": " + w);
    if (!warnings.empty()) b += html_notice("warn", "Read before using these numbers", warnings);
    b += "<h2>What changed (A &rarr; B)</h2>\n";
    if (c.changes.empty())
        b += "<p>Nothing moved by 10% (5 points for shares) or more.</p>\n";
    else {
        b += "<ul>\n";
        for (const auto& s : c.changes) {
            const bool better = s.find("(better)") != std::string::npos,
                       worse = s.find("(worse)") != std::string::npos;
            fmt::format_to(out, "<li{}>{}</li>\n",
                           better  ? " class=\"better\""
                           : worse ? " class=\"worse\""
                                   : "",
                           html_escape(s));
        }
        b += "</ul>\n";
    }
    b += "<h2>Figures</h2>\n<table><thead><tr><th>figure</th><th>A</th><th>B</th><th>delta</"
         "th><th>change</th></tr></thead><tbody>\n";
    for (const auto& d : c.figures)
        fmt::format_to(out, "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       d.changed ? " style=\"font-weight:bold\"" : "", html_escape(d.a.label),
                       html_escape(format_figure(d.a.value, d.a.decimals, d.a.unit)),
                       html_escape(format_figure(d.b.value, d.b.decimals, d.b.unit)),
                       html_escape(delta_text(d)), html_escape(delta_percent_text(d)));
    b += "</tbody></table>\n<h2>Distribution "
         "shapes</h2>\n<table><thead><tr><th>histogram</th><th>total</th><th>read</th>"
         "<th>write</th></tr></thead><tbody>\n";
    for (const auto m : kChartMetrics) {
        fmt::format_to(out, "<tr><td>{}</td>", metric_title(m));
        for (const auto& d : c.distributions)
            if (d.metric == m)
                fmt::format_to(out, "<td>{}</td>",
                               std::isfinite(d.tvd) ? fmt::format("{:.2f}", d.tvd) : "-");
        b += "</tr>\n";
    }
    b += "</tbody></table>\n<p class=\"sub\">Total variation distance: half the sum of the bucket "
         "share differences; "
         "0 means the same shape, 1 means no bucket in common.</p>\n";
    if (!in.chart_problems.empty()) b += html_notice("warn", "Charts", in.chart_problems);
    for (const auto& ch : in.charts) b += html_figure(ch);
    b += "<h2>Recommendations</h2>\n";
    for (const auto* j : {&in.a, &in.b}) {
        b += "<h3>" + html_escape(j == &in.a ? "A: " : "B: ") + html_escape(j->result->job_id) +
             "</h3>\n";
        b += html_recommendations(j->result->recommendations);
    }
    return html_page(
        fmt::format("vscsi comparison: {} vs {}", in.a.result->job_id, in.b.result->job_id), b);
}

}  // namespace vscsi
