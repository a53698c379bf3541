#include "analysis/job_analysis.hpp"

#include <fmt/core.h>

#include <unordered_map>
#include <utility>

#include "analysis/recommendation_rules.hpp"

namespace vscsi {
namespace {

constexpr std::size_t kMaxListedProblems = 10;

struct DiskSlot {
    DiskId disk;
    DiskAccumulator acc;
};

// The accumulators by disk. Samples list their disks in the same order each
// time, so the disk at the same position is tried first; an index finds the
// rest (a fleet-wide job has tens of thousands of disks: never a scan).
class DiskTable {
  public:
    DiskAccumulator& at(const DiskId& id, std::size_t position) {
        if (position < disks_.size() && disks_[position].disk.same_disk(id))
            return disks_[position].acc;
        const auto [it, added] = index_.try_emplace(disk_key(id), disks_.size());
        if (added) disks_.push_back({id, {}});
        return disks_[it->second].acc;
    }
    std::vector<DiskSlot>& disks() { return disks_; }

  private:
    std::vector<DiskSlot> disks_;
    std::unordered_map<DiskKey, std::size_t, DiskKeyHash> index_;
};

std::string vm_name_for(const AnalysisSubject& subject, std::int64_t wgid) {
    const auto it = subject.vm_names.find(wgid);
    return it == subject.vm_names.end() ? std::string{} : it->second;
}

}  // namespace

AnalysisResult analyze_samples(SampleSource& samples, const AnalysisSubject& subject,
                               const AnalyzeOptions& options, TimePoint analyzed_at,
                               std::span<SampleObserver* const> observers) {
    AnalysisResult r;
    r.job_id = subject.job_id;
    r.interval_source = subject.interval_source;
    r.interval_detail = subject.interval_detail;
    r.analyzed_at = analyzed_at;
    std::vector<std::string> problems;
    auto note_problem = [&](const ParseError& e) {
        ++r.samples_unreadable;
        if (problems.size() < kMaxListedProblems) problems.push_back(e.message());
    };

    // Pass 1: one activity figure per sample.
    std::vector<float> activity;
    Sample sample;
    std::uint64_t after_gap = 0;
    for (auto got = samples.next(sample); !got || *got; got = samples.next(sample)) {
        if (!got) {
            note_problem(got.error());
            continue;
        }
        activity.push_back(
            static_cast<float>(sample_total_iops(sample.data, sample.header.seconds())));
        if (sample.header.after_gap) ++after_gap;
        if (!r.first_start) r.first_start = sample.header.start;
        r.last_end = sample.header.end;
    }
    r.samples_total = activity.size();
    r.filter = decide_filter(options.filter, activity);

    // Pass 2: accumulate what the filter keeps; show every sample to observers.
    DiskTable disks;
    double analyzed_seconds = 0;
    std::size_t index = 0;
    samples.rewind();
    for (auto got = samples.next(sample); !got || *got; got = samples.next(sample)) {
        if (!got) continue;  // counted in pass 1
        const double secs = sample.header.seconds();
        const bool analyzed = index < activity.size() && r.filter.keeps(activity[index]);
        ++index;
        for (auto* o : observers) o->on_sample(sample, analyzed);
        if (!analyzed) continue;
        ++r.samples_analyzed;
        analyzed_seconds += secs;
        double rd = 0, wr = 0;
        for (std::size_t i = 0; i < sample.data.disks.size(); ++i) {
            const auto& d = sample.data.disks[i];
            if (auto added = disks.at(d.disk, i).add(d); !added) {
                if (problems.size() < kMaxListedProblems)
                    problems.push_back(
                        fmt::format("sample {}: {}", sample.header.seq, added.error().message()));
            }
            const auto f = sample_figures(d, secs);
            if (f.iops.read == f.iops.read) rd += f.iops.read;
            if (f.iops.write == f.iops.write) wr += f.iops.write;
        }
        const double total = sample_total_iops(sample.data, secs);
        if (total > r.peak.iops_total || r.peak.seq == 0) {
            r.peak = {sample.header.seq, sample.header.start, total, rd, wr};
        }
    }

    DiskAccumulator all;
    r.disks.reserve(disks.disks().size());
    for (auto& d : disks.disks()) {
        all.merge(d.acc);
        auto vm_name = vm_name_for(subject, d.disk.world_group_id);
        r.disks.push_back(
            {std::move(d.disk), std::move(vm_name),
             compute_metrics(std::make_shared<const DiskAccumulator>(std::move(d.acc)),
                             analyzed_seconds, options.percentile_method)});
    }
    r.total = compute_metrics(all, analyzed_seconds, options.percentile_method);

    // Warnings a sizing engineer must see before trusting the numbers.
    if (r.samples_unreadable > 0) {
        r.warnings.push_back(fmt::format("{} sample file(s) could not be read and were skipped:",
                                         r.samples_unreadable));
        for (auto& p : problems) r.warnings.push_back("  " + p);
        if (r.samples_unreadable > problems.size())
            r.warnings.push_back(
                fmt::format("  ... and {} more", r.samples_unreadable - problems.size()));
    } else {
        for (auto& p : problems) r.warnings.push_back(p);
    }
    if (after_gap > 0)
        r.warnings.push_back(fmt::format(
            "{} sample(s) follow a gap in collection (connection loss or restart)", after_gap));
    if (r.samples_total == 0)
        r.warnings.push_back("the job has no readable samples: nothing to analyze");
    else if (r.total.idle())
        r.warnings.push_back(
            "no I/O in the analyzed samples: the VM was idle, there is nothing "
            "to size (no fio job written)");

    std::vector<DiskProfile> profiles;
    for (const auto& d : r.disks)
        profiles.push_back(
            {d.disk.display() + (d.vm_name.empty() ? "" : " of " + d.vm_name), &d.metrics});
    r.recommendations = recommend(r.total, r.samples_total, profiles);
    return r;
}

}  // namespace vscsi
