#include "chart/job_charts.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "format/bucket_labels.hpp"
#include "util/subprocess.hpp"

namespace vscsi {
namespace {

std::string file_label(const DiskId& d) {
    std::string label = d.label.empty() ? "handle" + std::to_string(d.handle_id) : d.label;
    for (auto& c : label)
        if (c == ':' || c == '/' || c == ' ') c = '_';
    return fmt::format("{}-wg{}", label, d.world_group_id);
}

std::string_view metric_file_name(Metric m) {
    switch (m) {
        case Metric::io_length:
            return "iolength";
        case Metric::seek_distance:
            return "seekdistance";
        case Metric::seek_distance_closest16:
            return "seekdistance16";
        case Metric::latency:
            return "latency";
        case Metric::outstanding_ios:
            return "outstandingios";
        case Metric::interarrival:
            return "interarrival";
    }
    return "metric";
}

std::string_view surface_caption(Metric m) {
    switch (m) {
        case Metric::io_length:
            return "Which IO sizes the VM issued over time. Ridges are the dominant block sizes; "
                   "buckets marked <4K, <8K... hold lengths that are not multiples of 4 KiB.";
        case Metric::seek_distance:
            return "Distance of each IO from the previous one in 512-byte blocks. A ridge at +1 is "
                   "sequential I/O; mass at the far ends is random I/O.";
        case Metric::outstanding_ios:
            return "How many IOs were already in flight when each IO was issued: the queue depth "
                   "the storage saw. Mass at 32 or 64 means a full device queue.";
        case Metric::latency:
            return "Completion time of each IO as the VM saw it (queueing in ESXi included).";
        case Metric::interarrival:
            return "Time between successive IOs: small values are bursts, large ones idle gaps.";
        case Metric::seek_distance_closest16:
            break;
    }
    return "";
}

}  // namespace

std::vector<ChartSpec> job_chart_specs(const AnalysisResult& r, const SampleSeriesCollector& series,
                                       ImageFormat f) {
    std::vector<ChartSpec> specs;
    auto vm_of = [&](const DiskId& id) -> std::string {
        for (const auto& d : r.disks)
            if (d.disk.same_disk(id)) return d.vm_name;
        return {};
    };
    const bool several = series.disks().size() > 1;
    if (several && !series.all_disks().points.empty()) {
        specs.push_back(
            {"all-disks-timeseries",
             fmt::format("{}: all {} disks over time", r.job_id, series.disks().size()),
             "IOPS, throughput and latency percentiles of every disk together, one point per "
             "sample. Gray bands are samples the idle filter left out; the key gives average, "
             "minimum and maximum over the analyzed samples.",
             "job",
             time_series_chart_script(series.all_disks(), f,
                                      fmt::format("{} - all disks", r.job_id))});
    }
    for (const auto& s : series.disks()) {
        if (s.points.empty()) continue;
        const auto vm = vm_of(s.disk);
        const auto who = s.disk.display() + (vm.empty() ? "" : " of " + vm);
        const auto stem = file_label(s.disk);
        specs.push_back(
            {stem + "-timeseries", fmt::format("{} over time", who),
             "IOPS, throughput (MB/s) and latency p50/p99 per sample: blue total, green read, "
             "red write. Gray bands are samples the idle filter left out; the key gives average, "
             "minimum and maximum over the analyzed samples.",
             who, time_series_chart_script(s, f, fmt::format("{} - {}", r.job_id, who))});
        for (auto m : kChartMetrics) {
            bool any = false;
            for (auto d : kAllDirections) any = any || s.has_slot(m, d);
            if (!any) continue;
            specs.push_back(
                {fmt::format("{}-{}-3d", stem, metric_file_name(m)),
                 fmt::format("{}: {}", metric_title(m), who), std::string(surface_caption(m)), who,
                 surface_chart_script(s, m, f, fmt::format("{} - {}", metric_title(m), who))});
        }
    }
    return specs;
}

std::optional<std::string> find_gnuplot() {
    if (const char* env = std::getenv("VSCSI_GNUPLOT")) {
        if (*env == '\0') return std::nullopt;
        if (auto p = find_program(env)) return p->string();
        return std::nullopt;
    }
    if (auto p = find_program("gnuplot")) return p->string();
    return std::nullopt;
}

Result<RenderedChart> render_chart(const std::string& gnuplot, const ChartSpec& spec,
                                   ImageFormat f) {
    const auto run = run_process({gnuplot, "-"}, spec.script, std::chrono::seconds(120));
    if (!run)
        return Error{ErrorKind::failure,
                     fmt::format("cannot run {}: {}", gnuplot, run.error().message()),
                     kGnuplotInstallHint};
    if (!run->ok() || run->out.empty()) {
        auto why = run->err.empty() ? std::string("no output") : run->err;
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        return Error{ErrorKind::failure,
                     fmt::format("gnuplot failed on chart '{}'{}: {}", spec.name,
                                 run->timed_out ? " (timed out after 120 s)" : "", why),
                     ""};
    }
    return RenderedChart{spec, f, std::move(run->out)};
}

std::vector<RenderedChart> render_charts(const std::vector<ChartSpec>& specs, ImageFormat f,
                                         std::vector<std::string>& problems) {
    const auto found = find_gnuplot();
    if (!found) {
        problems.push_back(
            fmt::format("charts not drawn: gnuplot was not found; {}", kGnuplotInstallHint));
        return {};
    }
    const auto& gnuplot = *found;
    std::vector<std::optional<Result<RenderedChart>>> done(specs.size());  // set by one worker
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (auto i = next++; i < specs.size(); i = next++)
            done[i] = render_chart(gnuplot, specs[i], f);
    };
    const auto n =
        std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), specs.size());
    std::vector<std::thread> threads;
    for (std::size_t t = 1; t < n; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    std::vector<RenderedChart> out;
    for (auto& d : done) {
        if (*d)
            out.push_back(std::move(**d));
        else
            problems.push_back(d->error().message());
    }
    return out;
}

}  // namespace vscsi
