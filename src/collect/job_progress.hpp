#pragma once
// What job.json records about a collection in progress. Pure.

#include "collect/collector_fsm.hpp"
#include "job/job_meta.hpp"

namespace vscsi::collect {

// Copies the collector's progress into the job metadata: sample count,
// errors, every collection with its state (recorded before it is started),
// and the cleanup state with the commands to run by hand if a stop failed.
void apply_progress(JobMeta& meta, const CollectorProgress& progress, TimePoint now);

// job.json is rewritten durably (two fsyncs) at every change a reader or a
// resume needs: a collection started, re-armed or stopped, an error, a gap,
// the end. A sample only adds to the count, which the samples on disk already
// hold (resume takes the larger of job.json's count and the newest sample's
// seq; a live job's status comes from the daemon), so after a sample job.json
// is rewritten at most every kCountSaveEvery: at fleet width with short
// intervals those rewrites were a third of the collector's CPU.
inline constexpr std::chrono::seconds kCountSaveEvery{60};

// What job.json must show at once when it changes: everything the collector
// reports except the sample count.
struct DurableProgress {
    struct Collection {
        CollectionStatus state = CollectionStatus::planned;
        std::optional<TimePoint> armed_at;
        std::string error;
        bool found_running = false;
        bool operator==(const Collection&) const = default;
    };
    std::vector<Collection> collections;
    std::uint64_t gaps = 0;
    std::size_t errors = 0;
    std::string last_error;
    bool stop_requested = false;
    bool operator==(const DurableProgress&) const = default;
};
DurableProgress durable_part(const CollectorProgress& progress);

// When job.json is written: always, except after a sample when nothing but the
// count changed since the last write and that write is recent.
class JobJsonSchedule {
  public:
    bool due(const CollectorProgress& progress, TimePoint now, bool after_sample) const;
    void written(const CollectorProgress& progress, TimePoint now);
    void failed() { saved_.reset(); }  // the next persist writes

  private:
    std::optional<DurableProgress> saved_;
    TimePoint saved_at_{};
};

}  // namespace vscsi::collect
