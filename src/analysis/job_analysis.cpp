#include "analysis/job_analysis.hpp"

#include <fmt/core.h>

#include <memory>
#include <unordered_map>
#include <utility>

#include "analysis/recommendation_rules.hpp"

namespace vscsi {
namespace {

constexpr std::size_t kMaxListedProblems = 10;

// Held by pointer: the result shares it afterwards (WorkloadMetrics::histograms)
// instead of a copy of every disk's buckets.
struct DiskSlot {
    DiskId disk;
    std::shared_ptr<DiskAccumulator> acc;
};

// The accumulators by disk. Samples list their disks in the same order each
// time, so the disk at the same position is tried first; an index finds the
// rest (a fleet-wide job has tens of thousands of disks: never a scan).
class DiskTable {
  public:
    DiskAccumulator& at(const DiskId& id, std::size_t position) {
        if (position < disks_.size() && disks_[position].disk.same_disk(id))
            return *disks_[position].acc;
        const auto [it, added] = index_.try_emplace(disk_key(id), disks_.size());
        if (added) disks_.push_back({id, std::make_shared<DiskAccumulator>()});
        return *disks_[it->second].acc;
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

// Pass 1, a run of histograms at a time: the sample's IOs.
class ActivityPass final : public VscsiStatsSink {
  public:
    void on_disk(const DiskHistograms& run, std::size_t position) override {
        ios.add(run, position);
    }
    SampleIos ios;
};

// Pass 2: what the filter keeps goes into the disks' accumulators as it is
// read; the whole sample is put together only for observers (exports and
// charts need it). `header` is the sample's, filled before its disks come.
class AccumulatePass final : public VscsiStatsSink {
  public:
    AccumulatePass(DiskTable& disks, std::vector<std::string>& problems, bool assemble,
                   const SampleHeader& header)
        : disks_(disks), problems_(problems), assemble_(assemble), header_(header) {}

    void start(bool analyzed) {
        analyzed_ = analyzed;
        read_ios = write_ios = 0;
        ios.clear();
        sample.data.disks.clear();
    }
    void on_disk(const DiskHistograms& run, std::size_t position) override {
        if (assemble_) keep(run, position);
        if (!analyzed_) return;
        if (auto added = disks_.at(run.disk, position).add(run); !added) {
            if (problems_.size() < kMaxListedProblems)
                problems_.push_back(
                    fmt::format("sample {}: {}", header_.seq, added.error().message()));
        }
        if (const auto* h = run.find(Metric::io_length, Direction::read)) read_ios += h->count;
        if (const auto* h = run.find(Metric::io_length, Direction::write)) write_ios += h->count;
        ios.add(run, position);
    }

    Sample sample;  // whole, when assembled
    SampleIos ios;
    std::uint64_t read_ios = 0, write_ios = 0;

  private:
    void keep(const DiskHistograms& run, std::size_t position) {
        auto& disks = sample.data.disks;
        if (position >= disks.size()) {
            disks.push_back(run);
            return;
        }
        auto& d = disks[position];
        for (std::size_t s = 0; s < kSlotCount; ++s)
            if (run.present[s]) {
                d.slots[s] = run.slots[s];
                d.present[s] = true;
                d.header_line[s] = run.header_line[s];
            }
    }

    DiskTable& disks_;
    std::vector<std::string>& problems_;
    bool assemble_;
    const SampleHeader& header_;
    bool analyzed_ = false;
};

// Reads a sample and forgets it (one pass 1 found unreadable).
class DiscardPass final : public VscsiStatsSink {
  public:
    void on_disk(const DiskHistograms&, std::size_t) override {}
};

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

    // Pass 1: one activity figure per sample (and which samples read at all).
    std::vector<float> activity;
    std::vector<bool> readable;
    SampleHeader header;
    ActivityPass first;
    std::uint64_t after_gap = 0;
    for (;;) {
        first.ios.clear();
        const auto got = samples.next_streamed(header, first);
        if (got && !*got) break;
        readable.push_back(got.has_value());
        if (!got) {
            note_problem(got.error());
            continue;
        }
        const double secs = header.seconds();
        activity.push_back(
            static_cast<float>(secs > 0 ? static_cast<double>(first.ios.total()) / secs : 0.0));
        if (header.after_gap) ++after_gap;
        if (!r.first_start) r.first_start = header.start;
        r.last_end = header.end;
    }
    r.samples_total = activity.size();
    r.filter = decide_filter(options.filter, activity);

    // Pass 2: accumulate what the filter keeps; show every sample to observers.
    DiskTable disks;
    AccumulatePass second(disks, problems, !observers.empty(), header);
    DiscardPass discard;
    double analyzed_seconds = 0;
    std::size_t index = 0;
    samples.rewind();
    for (const bool ok : readable) {
        if (!ok) {  // counted in pass 1; read past it
            (void)samples.next_streamed(header, discard);
            continue;
        }
        const bool analyzed = index < activity.size() && r.filter.keeps(activity[index]);
        ++index;
        second.start(analyzed);
        const auto got = samples.next_streamed(header, second);
        if (!got || !*got) {  // changed since pass 1
            if (!got && problems.size() < kMaxListedProblems)
                problems.push_back(got.error().message() + " (changed during the analysis)");
            if (got) break;
            continue;
        }
        if (!observers.empty()) {
            second.sample.header = header;
            for (auto* o : observers) o->on_sample(second.sample, analyzed);
        }
        if (!analyzed) continue;
        ++r.samples_analyzed;
        const double secs = header.seconds();
        analyzed_seconds += secs;
        auto per_second = [&](std::uint64_t n) {
            return secs > 0 ? static_cast<double>(n) / secs : 0.0;
        };
        const double total = per_second(second.ios.total());
        if (total > r.peak.iops_total || r.peak.seq == 0)
            r.peak = {header.seq, header.start, total, per_second(second.read_ios),
                      per_second(second.write_ios)};
    }

    DiskAccumulator all;
    r.disks.reserve(disks.disks().size());
    for (auto& d : disks.disks()) {
        all.merge(*d.acc);
        auto vm_name = vm_name_for(subject, d.disk.world_group_id);
        r.disks.push_back(
            {std::move(d.disk), std::move(vm_name),
             compute_metrics(std::move(d.acc), analyzed_seconds, options.percentile_method)});
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
