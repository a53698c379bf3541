#include "chart/gnuplot_script.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "format/bucket_labels.hpp"

namespace vscsi {
namespace {

constexpr std::string_view kFilteredColor = "#c8c8c8";
constexpr std::string_view kShadeColor = "#e6e6e6";

// The vmdamentals convention, per direction: a line color, a light and a dark
// end for surface palettes, and a middle tone for the first job of a comparison.
struct DirectionStyle {
    std::string_view title, color_name, line, light, mid, dark;
};
constexpr std::array<DirectionStyle, 3> kStyles{{
    {"Total", "blue", "#1f5fbf", "#deebf7", "#9ecae1", "#08519c"},
    {"Read", "green", "#1a9641", "#e5f5e0", "#a1d99b", "#006d2c"},
    {"Write", "red", "#d7191c", "#fee0d2", "#fcae91", "#a50f15"},
}};
const DirectionStyle& style(Direction d) {
    return kStyles[static_cast<std::size_t>(d)];
}
std::string_view direction_title(Direction d) {
    return style(d).title;
}

std::string preamble(ImageFormat f, int width, int height) {
    // noenhanced: VM names may hold ^ _ { } that enhanced text would interpret.
    const auto term = f == ImageFormat::png ? "pngcairo" : "svg";
    return fmt::format(
        "set encoding utf8\nset terminal {} noenhanced size {},{} font \"DejaVu Sans,10\" "
        "background rgb \"white\"\nset output\n",
        term, width, height);
}

// gnuplot reads "NaN" as a missing value.
std::string num(double v) {
    return std::isfinite(v) ? fmt::format("{:.6g}", v) : "NaN";
}

struct TimeAxis {
    double t0 = 0;  // seconds since epoch of the first sample's start
    double divisor = 60;
    std::string_view unit = "min";
};

double unix_seconds(TimePoint t) {
    return static_cast<double>(t.time_since_epoch().count()) / 1000.0;
}

TimeAxis time_axis(const std::vector<SeriesPoint>& pts) {
    TimeAxis a;
    if (pts.empty()) return a;
    a.t0 = unix_seconds(pts.front().start);
    const double span = unix_seconds(pts.back().end) - a.t0;
    if (span > 2 * 86400)
        a = {a.t0, 86400, "days"};
    else if (span > 3 * 3600)
        a = {a.t0, 3600, "h"};
    else if (span < 300)
        a = {a.t0, 1, "s"};
    return a;
}

// About eight tics, each a step a clock reader counts in, never under a second.
double time_tic_step(double span_seconds) {
    static constexpr double kSteps[] = {1,     2,     5,     10,    15,     30,    60,
                                        120,   300,   600,   900,   1800,   3600,  7200,
                                        10800, 21600, 43200, 86400, 172800, 604800};
    for (double s : kSteps)
        if (s * 8 >= span_seconds) return s;
    return 604800 * std::ceil(span_seconds / (8 * 604800));
}

std::string bucket_tics(Metric m, const HistogramLimits& limits) {
    // Label every bucket when they fit; on wide axes (seek distance) every other
    // one, but always around 0 and +1 where sequential I/O shows.
    const bool thin = limits.size() + 1 > 20;
    std::string tics;
    for (std::size_t i = 0; i <= limits.size(); ++i) {
        const bool near_zero = i < limits.size() && limits[i] >= -1 && limits[i] <= 1;
        if (thin && i % 2 != 0 && !near_zero && i != limits.size()) continue;
        const auto label =
            bucket_tick_label(m, i < limits.size() ? std::optional(limits[i]) : std::nullopt,
                              i > 0 ? std::optional(limits[i - 1]) : std::nullopt);
        if (!tics.empty()) tics += ", ";
        tics += fmt::format("{} {}", gnuplot_quote(label), i);
    }
    return "(" + tics + ")";
}

}  // namespace

std::string_view extension(ImageFormat f) {
    return f == ImageFormat::png ? "png" : "svg";
}
std::string_view mime_type(ImageFormat f) {
    return f == ImageFormat::png ? "image/png" : "image/svg+xml";
}
std::optional<ImageFormat> image_format_from_string(std::string_view s) {
    if (s == "png") return ImageFormat::png;
    if (s == "svg") return ImageFormat::svg;
    return std::nullopt;
}

std::string_view direction_color(Direction d) {
    return style(d).line;
}

std::string gnuplot_quote(std::string_view text) {
    std::string q = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') q += '\\';
        if (c == '\n' || c == '\r') c = ' ';
        q += c;
    }
    return q + "\"";
}

std::string surface_chart_script(const DiskSeries& s, Metric m, ImageFormat f,
                                 std::string_view title, std::size_t max_points) {
    const auto pts = downsample(s.points, max_points);
    const auto axis = time_axis(pts);
    std::string o = preamble(f, 1800, 660);
    auto out = std::back_inserter(o);

    bool any_filtered = false;
    HistogramLimits limits;
    for (auto d : kAllDirections) {
        const auto slot = *slot_of(m, d);
        if (limits.empty()) limits = s.limits[slot];
        double zmax = 0;
        for (const auto& p : pts)
            for (double r : p.rates(slot)) zmax = std::max(zmax, r);
        fmt::format_to(out, "${} << EOD\n", direction_name(d));
        // A surface needs two rows: a single sample becomes a band over its interval.
        const bool band = pts.size() == 1;
        for (const auto& p : pts) {
            const auto rates = p.rates(slot);
            if (rates.empty()) continue;
            any_filtered = any_filtered || !p.analyzed();
            const double mid = (unix_seconds(p.start) + unix_seconds(p.end)) / 2;
            std::vector<double> ys;
            if (band)
                ys = {unix_seconds(p.start), unix_seconds(p.end)};
            else
                ys = {mid};
            for (double y : ys) {
                const double t = (y - axis.t0) / axis.divisor;
                for (std::size_t i = 0; i < rates.size(); ++i) {
                    // Color value: gray below 1 for filtered samples, else 1..2 by height.
                    const double c = p.analyzed() ? 1.0 + (zmax > 0 ? rates[i] / zmax : 0.0) : 0.5;
                    fmt::format_to(out, "{} {} {} {}\n", i, num(t), num(rates[i]), num(c));
                }
                o += "\n";
            }
        }
        o += "EOD\n";
    }
    std::string heading(title);
    if (any_filtered) heading += "  (gray: samples filtered out as idle)";
    fmt::format_to(out, "set multiplot layout 1,3 title {} font \",13\"\n", gnuplot_quote(heading));
    o += "set view 62, 22, 1.08\nset xyplane at 0\nunset colorbox\nset cbrange [0:2]\n";
    // Quad borders show the grid on short jobs; on long ones they would be all
    // there is to see (and triple the image size).
    o += pts.size() <= 60 ? "set pm3d depthorder border lc rgb \"#50505050\" lw 0.4\n"
                          : "set pm3d depthorder noborder\n";
    o += "set pm3d corners2color c1\nset grid x y z lc rgb \"#dddddd\"\nset border 4095 lc rgb "
         "\"#888888\"\n";
    fmt::format_to(out, "set xtics {} font \",7\" offset 0,-0.2\n", bucket_tics(m, limits));
    fmt::format_to(out, "set xlabel {} rotate parallel offset 0,-1\n",
                   gnuplot_quote(metric_axis_title(m)));
    fmt::format_to(out, "set ylabel {} rotate parallel\n",
                   gnuplot_quote(fmt::format("time since first sample ({})", axis.unit)));
    o += "set ytics font \",8\"\nset ztics font \",8\"\nset zlabel \"IOs per second\" rotate by 90 "
         "offset 1,0\n";
    for (auto d : kAllDirections) {
        const auto slot = *slot_of(m, d);
        bool has_data = false;
        for (const auto& p : pts) has_data = has_data || !p.freqs[slot].empty();
        if (!has_data || s.limits[slot].empty()) {
            fmt::format_to(out, "set multiplot next\n");
            continue;
        }
        fmt::format_to(
            out, "set title {} tc rgb \"{}\" font \",12\"\n",
            gnuplot_quote(fmt::format("{} ({})", direction_title(d), style(d).color_name)),
            direction_color(d));
        fmt::format_to(out,
                       "set palette defined (0 \"{0}\", 0.999 \"{0}\", 1 \"{1}\", 2 \"{2}\")\n",
                       kFilteredColor, style(d).light, style(d).dark);
        fmt::format_to(out, "splot ${} using 1:2:3:4 with pm3d notitle\n", direction_name(d));
    }
    o += "unset multiplot\n";
    return o;
}

std::string time_series_chart_script(const DiskSeries& s, ImageFormat f, std::string_view title,
                                     std::size_t max_points) {
    const auto pts = downsample(s.points, max_points);
    std::string o = preamble(f, 1600, 1000);
    // gnuplot formats epoch seconds as UTC: shift them into the zone every other
    // displayed time uses, and say which.
    const TimePoint first = pts.empty() ? TimePoint{} : pts.front().start;
    const double shift = static_cast<double>(display_utc_offset(first));
    auto at = [shift](TimePoint t) { return unix_seconds(t) + shift; };
    auto out = std::back_inserter(o);
    const auto& lat_r = s.limits[*slot_of(Metric::latency, Direction::read)];
    const auto& lat_w = s.limits[*slot_of(Metric::latency, Direction::write)];
    o += "$ts << EOD\n";
    double lat_lo = INFINITY, lat_hi = 0;
    for (const auto& p : pts) {
        const double mid = (at(p.start) + at(p.end)) / 2;
        const double l[4] = {p.latency_ms(Direction::read, 0.5, lat_r),
                             p.latency_ms(Direction::read, 0.99, lat_r),
                             p.latency_ms(Direction::write, 0.5, lat_w),
                             p.latency_ms(Direction::write, 0.99, lat_w)};
        for (double v : l)
            if (std::isfinite(v) && v > 0)
                lat_lo = std::min(lat_lo, v), lat_hi = std::max(lat_hi, v);
        fmt::format_to(out, "{:.3f} {} {} {} {} {} {} {} {} {} {}\n", mid,
                       num(p.iops(Direction::total)), num(p.iops(Direction::read)),
                       num(p.iops(Direction::write)), num(p.mbps(Direction::total)),
                       num(p.mbps(Direction::read)), num(p.mbps(Direction::write)), num(l[0]),
                       num(l[1]), num(l[2]), num(l[3]));
    }
    o += "EOD\n";

    // Shade runs of filtered samples across all panels.
    std::size_t obj = 1;
    bool any_filtered = false;
    for (std::size_t i = 0; i < pts.size();) {
        if (pts[i].analyzed()) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j + 1 < pts.size() && !pts[j + 1].analyzed()) ++j;
        fmt::format_to(
            out,
            "set object {} rect from {:.3f}, graph 0 to {:.3f}, graph 1 behind fc rgb \"{}\" "
            "fs solid 1.0 noborder\n",
            obj++, at(pts[i].start), at(pts[j].end), kShadeColor);
        any_filtered = true;
        i = j + 1;
    }
    // Labels fine enough that neighbouring tics never read the same (a 2-minute job
    // had "17:12" five times).
    const double span = pts.empty() ? 0 : at(pts.back().end) - at(pts.front().start);
    const char* label = span > 86400  ? "\"%m-%d %H:%M\""
                        : span > 1800 ? "\"%H:%M\""
                                      : "\"%H:%M:%S\"";
    fmt::format_to(out, "set format x {} timedate\n", label);
    fmt::format_to(out, "set xtics {}\n", time_tic_step(span));
    o += "unset xlabel\nset grid lc rgb \"#dddddd\"\nset key below horizontal "
         "font \",9\" width 2\nset lmargin 12\nset yrange [0:*]\n";
    fmt::format_to(out, "set multiplot layout 3,1 title {} font \",13\"\n",
                   gnuplot_quote(fmt::format("{} (times in {})", title, display_zone_name(first))));

    auto stat_title = [](std::string_view what, const RunningStats& r, std::string_view unit) {
        if (r.n == 0) return fmt::format("{}: no data", what);
        return fmt::format("{}: avg {:.4g} min {:.4g} max {:.4g}{}", what, r.mean(), r.min, r.max,
                           unit);
    };
    const std::string shade =
        any_filtered
            ? fmt::format(
                  "NaN with boxes fs solid 1.0 fc rgb \"{}\" title \"filtered out (idle)\", ",
                  kShadeColor)
            : "";
    const auto& st = s.stats;
    auto panel = [&](std::string_view ylabel, int col0, const std::array<RunningStats, 3>& stats,
                     std::string_view unit) {
        fmt::format_to(out, "set ylabel {}\n", gnuplot_quote(ylabel));
        fmt::format_to(out, "plot {}", shade);
        for (auto d : kAllDirections) {
            const auto i = static_cast<std::size_t>(d);
            if (i) o += ", ";
            fmt::format_to(out, "$ts using 1:{} with lines lw {} lc rgb \"{}\" title {}",
                           col0 + static_cast<int>(i), d == Direction::total ? 2.5 : 1.5,
                           direction_color(d),
                           gnuplot_quote(stat_title(direction_title(d), stats[i], unit)));
        }
        o += "\n";
    };
    panel("IOPS", 2, st.iops, "");
    panel("throughput (MB/s, 10^6 bytes)", 5, st.mbps, " MB/s");
    o += "set ylabel \"latency (ms)\"\n";
    if (lat_hi > 0 && lat_hi / lat_lo > 100) o += "set logscale y\nset yrange [*:*]\n";
    const auto ri = static_cast<std::size_t>(Direction::read),
               wi = static_cast<std::size_t>(Direction::write);
    fmt::format_to(out,
                   "plot {}$ts using 1:8 with lines lw 1.5 lc rgb \"{}\" title {}, "
                   "$ts using 1:9 with lines lw 1.5 dt 2 lc rgb \"{}\" title {}, "
                   "$ts using 1:10 with lines lw 1.5 lc rgb \"{}\" title {}, "
                   "$ts using 1:11 with lines lw 1.5 dt 2 lc rgb \"{}\" title {}\n",
                   shade, direction_color(Direction::read),
                   gnuplot_quote(stat_title("Read p50", st.latency_p50_ms[ri], " ms")),
                   direction_color(Direction::read),
                   gnuplot_quote(stat_title("Read p99", st.latency_p99_ms[ri], " ms")),
                   direction_color(Direction::write),
                   gnuplot_quote(stat_title("Write p50", st.latency_p50_ms[wi], " ms")),
                   direction_color(Direction::write),
                   gnuplot_quote(stat_title("Write p99", st.latency_p99_ms[wi], " ms")));
    o += "unset multiplot\n";
    return o;
}

std::string distribution_overlay_script(Metric m, const WorkloadMetrics& a,
                                        std::string_view label_a, const WorkloadMetrics& b,
                                        std::string_view label_b, ImageFormat f,
                                        std::string_view title) {
    std::string o = preamble(f, 1800, 560);
    auto out = std::back_inserter(o);
    // Buckets either profile used, in bucket order (overflow last).
    auto order = [](const BucketShare& s) {
        return s.high ? static_cast<double>(*s.high) : INFINITY;
    };
    for (auto d : kAllDirections) {
        std::map<double, std::pair<double, double>> rows;
        std::map<double, std::string> labels;
        for (const auto& s : a.distribution(m, d))
            rows[order(s)].first += s.percent, labels[order(s)] = bucket_label(m, s.high, s.low);
        for (const auto& s : b.distribution(m, d))
            rows[order(s)].second += s.percent, labels[order(s)] = bucket_label(m, s.high, s.low);
        fmt::format_to(out, "${} << EOD\n", direction_name(d));
        for (const auto& [k, v] : rows)
            fmt::format_to(out, "{} {} {}\n", gnuplot_quote(labels[k]), num(v.first),
                           num(v.second));
        if (rows.empty()) o += "\"none\" 0 0\n";
        o += "EOD\n";
    }
    fmt::format_to(out, "set multiplot layout 1,3 title {} font \",13\"\n", gnuplot_quote(title));
    o += "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.9 "
         "border rgb \"#555555\"\n"
         "set xtics rotate by -45 font \",8\" nomirror\nset grid y lc rgb \"#dddddd\"\n"
         "set key top right font \",9\"\n";
    fmt::format_to(out, "set xlabel {}\nset ylabel \"% of IOs\"\n",
                   gnuplot_quote(metric_axis_title(m)));
    for (auto d : kAllDirections) {
        double top = 0;
        for (const auto* side : {&a, &b})
            for (const auto& s : side->distribution(m, d)) top = std::max(top, s.percent);
        fmt::format_to(out, "set yrange [0:{}]\n",
                       num(top > 0 ? std::min(100.0, top * 1.12) + 1 : 1));
        fmt::format_to(out, "set title {} tc rgb \"{}\"\n", gnuplot_quote(direction_title(d)),
                       direction_color(d));
        fmt::format_to(out,
                       "plot ${0} using 2:xtic(1) lc rgb \"{1}\" title {2}, ${0} using 3 lc rgb "
                       "\"{3}\" title {4}\n",
                       direction_name(d), style(d).mid, gnuplot_quote(label_a), style(d).dark,
                       gnuplot_quote(label_b));
    }
    o += "unset multiplot\n";
    return o;
}

}  // namespace vscsi
