// Generates vscsiStats data from workload models, for the example job and the
// benchmarks:
//   vscsi-gen-samples job DIR --samples N --disks D [--interval S] [--idle-every K] [--name NAME]
//                     [--latency-scale F] [--queue-scale F]   (an "after" job for comparisons)
//   vscsi-gen-samples csv FILE --disks D            (one big `vscsiStats -p all -c` output)
#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "format/vscsistats_csv.hpp"
#include "job/job_dir.hpp"
#include "sim/workload_model.hpp"
#include "util/file_io.hpp"

using namespace vscsi;

namespace {

// Two disk personalities: an OLTP database volume and a log/backup volume.
struct Scales {
    double latency = 1, queue = 1;
};

WorkloadModel model_for_disk(std::size_t disk, bool idle, const Scales& scale = {}) {
    WorkloadModel m;
    if (disk % 2 == 0) {
        m.iops = 2400;
        m.read_fraction = 0.7;
        m.read_sizes = {{8192, 70}, {16384, 10}, {65536, 15}, {4096, 5}};
        m.write_sizes = {{8192, 80}, {4096, 15}, {32768, 5}};
        m.read_sequential = 0.05;
        m.write_sequential = 0.10;
        m.outstanding_mean = 8;
        m.read_latency_us = 1800;
        m.write_latency_us = 900;
    } else {
        m.iops = 600;
        m.read_fraction = 0.1;
        m.read_sizes = {{65536, 1}};
        m.write_sizes = {{65536, 60}, {262144, 30}, {4096, 10}};
        m.read_sequential = 0.8;
        m.write_sequential = 0.9;
        m.outstanding_mean = 2;
        m.read_latency_us = 1200;
        m.write_latency_us = 700;
    }
    m.iops_jitter = 0.15;
    m.read_latency_us *= scale.latency;
    m.write_latency_us *= scale.latency;
    m.outstanding_mean = std::max(1.0, m.outstanding_mean * scale.queue);
    if (idle) {
        m.iops = 12;
        m.outstanding_mean = 1;
    }
    return m;
}

DiskId disk_id(std::size_t i) {
    return {2099979 + static_cast<std::int64_t>(i / 4), 8194 + static_cast<std::int64_t>(i % 4),
            fmt::format("scsi0:{}", i % 4)};
}

int usage() {
    fmt::print(stderr,
               "usage: vscsi-gen-samples job DIR --samples N --disks D [--interval S] "
               "[--idle-every K] [--name NAME] [--seed N] [--latency-scale F] [--queue-scale F]\n"
               "       vscsi-gen-samples csv FILE --disks D\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return usage();
    const std::string mode = argv[1];
    const std::filesystem::path out = argv[2];
    std::uint64_t samples = 10, disks = 1, idle_every = 0, seed = 1;
    double interval = 60;
    std::string name = out.filename().string();
    Scales scale;
    for (int i = 3; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--samples")
            samples = std::stoull(v);
        else if (k == "--disks")
            disks = std::stoull(v);
        else if (k == "--interval")
            interval = std::stod(v);
        else if (k == "--idle-every")
            idle_every = std::stoull(v);
        else if (k == "--name")
            name = v;
        else if (k == "--seed")
            seed = std::stoull(v);
        else if (k == "--latency-scale")
            scale.latency = std::stod(v);
        else if (k == "--queue-scale")
            scale.queue = std::stod(v);
        else
            return usage();
    }
    if (mode == "csv") {
        VscsiStatsOutput o;
        for (std::size_t d = 0; d < disks; ++d)
            o.disks.push_back(
                synthesize_interval(model_for_disk(d, false), disk_id(d), interval, seed + d));
        if (auto ec = write_file_atomic(out, format_vscsistats_csv(o))) {
            fmt::print(stderr, "cannot write {}: {}\n", out.string(), ec.message());
            return 1;
        }
        return 0;
    }
    if (mode != "job") return usage();
    const JobDir dir(out);
    if (auto ec = dir.create_layout()) {
        fmt::print(stderr, "cannot create {}: {}\n", out.string(), ec.message());
        return 1;
    }
    const auto start = *parse_iso8601("2026-11-02T08:00:00Z");
    const auto step = std::chrono::milliseconds(static_cast<long long>(interval * 1000));
    JobMeta meta;
    meta.job_id = name;
    meta.created_at = meta.updated_at = start;
    meta.status = JobStatus::completed;
    meta.source = "ssh";
    meta.host.hostname = "esxi-lab01.example.com";
    meta.host.username = "root";
    meta.profile = {"custom", samples, interval};
    for (std::size_t d = 0; d < disks; ++d) {
        const auto id = disk_id(d);
        if (meta.targets.empty() || meta.targets.back().world_group_id != id.world_group_id)
            meta.targets.push_back({fmt::format("SQL-Server-{:02}", meta.targets.size() + 1),
                                    id.world_group_id,
                                    fmt::format("/vmfs/volumes/ds1/sql{:02}/sql{:02}.vmx",
                                                meta.targets.size() + 1, meta.targets.size() + 1),
                                    {}});
        meta.targets.back().disks.push_back({id.handle_id, id.label});
    }
    meta.tags = {{"site", "lab"}, {"purpose", "example"}};
    meta.collection.started_at = start;
    meta.collection.completed_at = start + step * static_cast<long long>(samples);
    meta.collection.samples_collected = meta.collection.samples_expected = samples;
    for (std::uint64_t s = 0; s < samples; ++s) {
        const bool idle = idle_every > 0 && s % idle_every == idle_every - 1;
        VscsiStatsOutput o;
        for (std::size_t d = 0; d < disks; ++d)
            o.disks.push_back(synthesize_interval(model_for_disk(d, idle, scale), disk_id(d),
                                                  interval, seed * 1000003 + s * 131 + d));
        SampleHeader h{s + 1,
                       start + step * static_cast<long long>(s),
                       start + step * static_cast<long long>(s + 1),
                       meta.host.hostname,
                       false,
                       {}};
        if (auto ec = dir.write_sample(h, o)) {
            fmt::print(stderr, "cannot write sample {}: {}\n", s + 1, ec.message());
            return 1;
        }
    }
    if (auto ec = dir.save_meta(meta)) {
        fmt::print(stderr, "cannot write job.json: {}\n", ec.message());
        return 1;
    }
    return 0;
}
