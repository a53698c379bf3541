#include "report/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "analysis/profile_figures.hpp"
#include "format/bucket_labels.hpp"
#include "report/html_page.hpp"

namespace vscsi {
namespace {

// `direction` marks the card with its direction's colour as an accent (a top rule),
// never on the figure itself: green and red figures read as good and bad.
std::string card(std::string_view value, std::string_view label, std::string_view direction = "") {
    return fmt::format(
        "<div class=\"card{}{}\"><div class=\"v\">{}</div><div class=\"l\">{}</div></div>",
        direction.empty() ? "" : " ", direction, html_escape(value), html_escape(label));
}

std::string key_figures(const WorkloadMetrics& m) {
    std::string o = "<div class=\"cards\">";
    o += card(format_figure(m.iops.total, 0, ""), "IOPS (total)", "total");
    o += card(format_figure(m.iops.read, 0, "") + " / " + format_figure(m.iops.write, 0, ""),
              "IOPS read / write");
    o += card(format_figure(m.throughput_mbps.total, 1, "MB/s"), "throughput");
    o += card(format_figure(m.read_percent, 0, "%") + " read", "read / write mix");
    o += card(format_figure(m.mean_io_bytes.total / 1024, 1, "KiB"), "mean IO size");
    o += card(format_figure(m.sequential_percent.read, 0, "%") + " / " +
                  format_figure(m.sequential_percent.write, 0, "%"),
              "sequential read / write");
    o += card(format_figure(m.queue_depth.mean, 1, "") + " (p99 " +
                  format_figure(m.queue_depth.p99, 0, "") + ")",
              "queue depth");
    o += card(format_figure(m.latency_ms_read.p99, 1, "ms"), "p99 read latency", "read");
    o += card(format_figure(m.latency_ms_write.p99, 1, "ms"), "p99 write latency", "write");
    return o + "</div>\n";
}

std::string size_table(const WorkloadMetrics& m) {
    // Buckets either direction used, in size order.
    std::vector<const BucketShare*> rows;
    for (auto d : {Direction::total, Direction::read, Direction::write})
        for (const auto& b : m.sizes(d))
            if (std::none_of(rows.begin(), rows.end(), [&](auto* r) { return r->key == b.key; }))
                rows.push_back(&b);
    std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) {
        return (a->high ? *a->high : INT64_MAX) < (b->high ? *b->high : INT64_MAX);
    });
    std::string o =
        "<table><thead><tr><th>IO length bucket</th><th class=\"total\">total</th><th "
        "class=\"read\">read</th>"
        "<th class=\"write\">write</th></tr></thead><tbody>\n";
    auto pct = [&](Direction d, const std::string& key) {
        for (const auto& b : m.sizes(d))
            if (b.key == key) return format_figure(b.percent, 1, "%");
        return std::string("-");
    };
    for (const auto* r : rows)
        o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                         html_escape(bucket_label(Metric::io_length, r->high, r->low)),
                         pct(Direction::total, r->key), pct(Direction::read, r->key),
                         pct(Direction::write, r->key));
    return o + "</tbody></table>\n";
}

std::string period_text(const AnalysisResult& r) {
    if (!r.first_start || !r.last_end) return "no samples";
    return fmt::format("{} to {} ({})", format_display_time(*r.first_start),
                       format_display_time(*r.last_end),
                       format_duration(seconds_between(*r.first_start, *r.last_end)));
}

}  // namespace

std::string html_profile_table(const std::vector<ProfileColumn>& columns) {
    std::string o = "<table><thead><tr><th>figure</th>";
    for (const auto& c : columns) o += "<th>" + html_escape(c.heading) + "</th>";
    o += "</tr></thead><tbody>\n";
    std::vector<std::vector<ProfileFigure>> figs;
    for (const auto& c : columns) figs.push_back(profile_figures(*c.metrics));
    for (std::size_t i = 0; !figs.empty() && i < figs[0].size(); ++i) {
        o += "<tr><td>" + html_escape(figs[0][i].label) + "</td>";
        for (const auto& f : figs)
            o +=
                "<td>" + html_escape(format_figure(f[i].value, f[i].decimals, f[i].unit)) + "</td>";
        o += "</tr>\n";
    }
    return o + "</tbody></table>\n";
}

std::string render_job_report(const JobReportInput& in) {
    const auto& r = *in.result;
    const auto& meta = *in.meta;
    std::string b;
    auto out = std::back_inserter(b);
    fmt::format_to(out, "<h1>Workload profile: {}</h1>\n", html_escape(r.job_id));
    std::string vms;
    for (const auto& t : meta.targets) {
        if (!vms.empty()) vms += ", ";
        vms += t.vm_name.empty() ? fmt::format("wg {}", t.world_group_id) : t.vm_name;
    }
    fmt::format_to(
        out, "<p class=\"sub\">{}{} &middot; {} &middot; job {}</p>\n",
        meta.host.hostname.empty() ? "imported data" : "host " + html_escape(meta.host.hostname),
        vms.empty() ? "" : " &middot; VM " + html_escape(vms), html_escape(period_text(r)),
        html_escape(std::string(to_string(meta.status))));
    if (!r.warnings.empty())
        b += html_notice("warn", "Read before using these numbers", r.warnings);
    if (r.total.idle()) {
        b += "<h2>Recommendations</h2>\n" + html_recommendations(r.recommendations);
    } else {
        fmt::format_to(out, "<h2>Peak workload profile ({} disk{})</h2>\n", r.disks.size(),
                       r.disks.size() == 1 ? "" : "s");
        b += key_figures(r.total);
        if (r.peak.seq)
            fmt::format_to(out, "<p>Busiest sample: #{} at {}: {} IOPS (read {} / write {}).</p>\n",
                           r.peak.seq, html_escape(format_display_time(r.peak.start)),
                           format_figure(r.peak.iops_total, 1, ""),
                           format_figure(r.peak.iops_read, 1, ""),
                           format_figure(r.peak.iops_write, 1, ""));
        b += "<h2>Recommendations</h2>\n" + html_recommendations(r.recommendations);
    }

    b += "<h2>Samples and the idle filter</h2>\n<table class=\"kv\"><tbody>\n";
    fmt::format_to(
        out, "<tr><td>samples</td><td>{} found, {} analyzed, {} filtered out{}</td></tr>\n",
        r.samples_total, r.samples_analyzed, r.samples_filtered(),
        r.samples_unreadable ? fmt::format(", {} unreadable", r.samples_unreadable) : "");
    fmt::format_to(out, "<tr><td>filter</td><td>{} (threshold {}, cutoff {} IOPS)</td></tr>\n",
                   to_string(r.filter.method), format_figure(r.filter.threshold, 2, ""),
                   format_figure(r.filter.cutoff_iops, 1, ""));
    fmt::format_to(out, "<tr><td>why</td><td>{}</td></tr>\n", html_escape(r.filter.explanation));
    fmt::format_to(out, "<tr><td>profile</td><td>{} ({} samples every {} s)</td></tr>\n",
                   html_escape(meta.profile.name), meta.profile.samples,
                   meta.profile.interval_seconds);
    fmt::format_to(out, "<tr><td>collection</td><td>{} of {} samples collected{}</td></tr>\n",
                   meta.collection.samples_collected, meta.collection.samples_expected,
                   meta.cleanup.vscsistats_stopped ? "" : "; vscsiStats may still run on the host");
    for (const auto& [k, v] : meta.tags)
        fmt::format_to(out, "<tr><td>tag {}</td><td>{}</td></tr>\n", html_escape(k),
                       html_escape(v));
    b += "</tbody></table>\n";

    if (!r.total.idle()) {
        b += "<h2>Profile per disk</h2>\n";
        std::vector<ProfileColumn> cols;
        if (r.disks.size() > 1) cols.push_back({"all disks", &r.total});
        for (const auto& d : r.disks)
            cols.push_back(
                {d.disk.display() + (d.vm_name.empty() ? "" : " of " + d.vm_name), &d.metrics});
        b += html_profile_table(cols);
        for (const auto& n : r.total.not_measured())
            b += "<p class=\"sub\">Not measured: " + html_escape(std::string(n.key)) + " &mdash; " +
                 html_escape(n.reason) + ".</p>\n";
        b += "<p class=\"sub\">Percentiles: " +
             std::string(
                 r.total.percentile_method == PercentileMethod::bucket_upper_bound
                     ? "the upper limit of the histogram bucket that holds the rank (conservative)."
                     : "interpolated inside histogram buckets.") +
             " Throughput is count &times; mean IO length.</p>\n";
        b += "<h3>IO sizes (all disks)</h3>\n" + size_table(r.total);
    }

    b += "<h2>Charts</h2>\n";
    if (!in.chart_problems.empty()) b += html_notice("warn", "Charts", in.chart_problems);
    std::string section;
    for (const auto& c : in.charts) {
        if (c.spec.section != section) {
            section = c.spec.section;
            b += "<h3>" + html_escape(section == "job" ? "All disks" : section) + "</h3>\n";
        }
        b += html_figure(c);
    }
    if (in.charts.empty() && in.chart_problems.empty()) b += "<p>No samples to chart.</p>\n";

    b += "<h2>fio job</h2>\n";
    if (in.fio_job.empty()) {
        b += "<p>No fio job: the analyzed samples hold no I/O.</p>\n";
    } else {
        if (!in.fio_path.empty())
            b += "<p>Written to <code>" + html_escape(in.fio_path) + "</code>.</p>\n";
        b += "<pre>" + html_escape(in.fio_job) + "</pre>\n";
    }
    return html_page("vscsi report: " + r.job_id, b);
}

}  // namespace vscsi
