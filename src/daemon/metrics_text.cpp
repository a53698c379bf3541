#include "daemon/metrics_text.hpp"

#include <fmt/core.h>

#include <cmath>
#include <map>

namespace vscsi::daemon {

std::string escape_label_value(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

namespace {

// Families keep their series together: the format wants one HELP/TYPE block each.
class Families {
  public:
    void add(const std::string& name, const char* type, const char* help, std::string series_line) {
        auto& f = families_[name];
        if (f.header.empty())
            f.header = fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
        f.lines += series_line;
    }
    std::string text() const {
        std::string s;
        for (const auto& [name, f] : families_) s += f.header + f.lines;
        return s;
    }

  private:
    struct Family {
        std::string header, lines;
    };
    std::map<std::string, Family> families_;
};

std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    return fmt::format("{}", v);
}

// Prometheus wants base units: vscsiStats' microseconds become seconds (the
// bucket limits stay the same buckets, only written in seconds).
struct HistogramFamily {
    Metric metric;
    const char* name;
    const char* help;
    double
        divisor;  // division, not multiplication by 1e-6: 10/1e6 prints as 1e-05, 10*1e-6 does not
};
constexpr HistogramFamily kHistograms[] = {
    {Metric::io_length, "vscsi_io_length_bytes",
     "vscsiStats IO length histogram, cumulative over the job", 1},
    {Metric::seek_distance, "vscsi_seek_distance_lbn",
     "vscsiStats seek distance between successive commands in 512-byte LBNs (1 = sequential), "
     "cumulative over the job",
     1},
    {Metric::outstanding_ios, "vscsi_outstanding_ios",
     "vscsiStats outstanding IOs when a command is issued, cumulative over the job", 1},
    {Metric::latency, "vscsi_latency_seconds",
     "vscsiStats command latency, cumulative over the job", 1e6},
    {Metric::interarrival, "vscsi_interarrival_seconds",
     "vscsiStats time between command arrivals, cumulative over the job (without the first "
     "IO after each collection start, whose gap reaches back before it)",
     1e6},
};

}  // namespace

std::string render_prometheus(const std::vector<JobMetricsView>& jobs, double uptime_seconds) {
    Families f;
    f.add("vscsi_daemon_uptime_seconds", "gauge", "seconds since the daemon started",
          fmt::format("vscsi_daemon_uptime_seconds {}\n", number(uptime_seconds)));
    f.add("vscsi_daemon_jobs", "gauge", "jobs the daemon reports on",
          fmt::format("vscsi_daemon_jobs {}\n", jobs.size()));
    constexpr JobStatus kStates[] = {JobStatus::pending, JobStatus::running, JobStatus::completed,
                                     JobStatus::stopped, JobStatus::failed};
    constexpr Direction kDirs[] = {Direction::total, Direction::read, Direction::write};
    for (const auto& j : jobs) {
        // Not `job`: Prometheus owns `job` and `instance` (the scrape target's), and
        // renames an exporter's own to exported_job.
        const auto jl = fmt::format("vscsi_job=\"{}\",host=\"{}\"", escape_label_value(j.job_id),
                                    escape_label_value(j.host));
        for (auto s : kStates)
            f.add("vscsi_job_state", "gauge", "1 for the job's current state",
                  fmt::format("vscsi_job_state{{{},state=\"{}\"}} {}\n", jl, to_string(s),
                              s == j.status ? 1 : 0));
        // Counters: they only grow while a job runs, and rate()/increase() handle the
        // reset a daemon restart looks like.
        f.add("vscsi_job_samples_collected_total", "counter", "samples the job has written",
              fmt::format("vscsi_job_samples_collected_total{{{}}} {}\n", jl, j.samples_collected));
        f.add("vscsi_job_samples_expected", "gauge", "samples the job will take",
              fmt::format("vscsi_job_samples_expected{{{}}} {}\n", jl, j.samples_expected));
        f.add("vscsi_job_gaps_total", "counter",
              "samples that follow an unobserved stretch (restart, auto-stop, outage)",
              fmt::format("vscsi_job_gaps_total{{{}}} {}\n", jl, j.gaps));
        for (const auto& d : j.disks) {
            const auto dl = fmt::format("{},disk=\"{}\",world_group_id=\"{}\",handle_id=\"{}\"", jl,
                                        escape_label_value(d.disk.label), d.disk.world_group_id,
                                        d.disk.handle_id);
            if (d.last) {
                for (auto dir : kDirs) {
                    const auto l = fmt::format("{},direction=\"{}\"", dl, direction_name(dir));
                    f.add("vscsi_last_sample_iops", "gauge", "IOs per second in the newest sample",
                          fmt::format("vscsi_last_sample_iops{{{}}} {}\n", l,
                                      number(d.last->iops[dir])));
                    f.add("vscsi_last_sample_throughput_bytes_per_second", "gauge",
                          "throughput in the newest sample",
                          fmt::format("vscsi_last_sample_throughput_bytes_per_second{{{}}} {}\n", l,
                                      number(d.last->throughput_mbps[dir] * 1e6)));
                    f.add("vscsi_last_sample_latency_mean_seconds", "gauge",
                          "mean latency in the newest sample",
                          fmt::format("vscsi_last_sample_latency_mean_seconds{{{}}} {}\n", l,
                                      number(d.last->latency_mean_ms[dir] / 1e3)));
                }
                f.add("vscsi_last_sample_outstanding_ios_mean", "gauge",
                      "mean outstanding IOs in the newest sample",
                      fmt::format("vscsi_last_sample_outstanding_ios_mean{{{}}} {}\n", dl,
                                  number(d.last->outstanding_mean)));
            }
            for (const auto& h : kHistograms) {
                for (auto dir : kDirs) {
                    const auto slot = slot_of(h.metric, dir);
                    if (!slot) continue;
                    const auto& acc = d.cumulative.slots[*slot];
                    if (acc.limits().empty()) continue;
                    const auto l = fmt::format("{},direction=\"{}\"", dl, direction_name(dir));
                    std::string lines;
                    std::uint64_t cumulative = 0;
                    const auto& freqs = acc.frequencies();
                    for (std::size_t i = 0; i < acc.limits().size(); ++i) {
                        cumulative += i < freqs.size() ? freqs[i] : 0;
                        lines += fmt::format(
                            "{}_bucket{{{},le=\"{}\"}} {}\n", h.name, l,
                            number(static_cast<double>(acc.limits()[i]) / h.divisor), cumulative);
                    }
                    std::uint64_t all = 0;
                    for (auto v : freqs) all += v;
                    lines += fmt::format("{}_bucket{{{},le=\"+Inf\"}} {}\n", h.name, l, all);
                    lines += fmt::format("{}_sum{{{}}} {}\n", h.name, l,
                                         number(acc.value_sum() / h.divisor));
                    lines += fmt::format("{}_count{{{}}} {}\n", h.name, l, all);
                    f.add(h.name, "histogram", h.help, std::move(lines));
                }
            }
        }
    }
    return f.text();
}

}  // namespace vscsi::daemon
