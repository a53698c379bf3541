#include "collect/job_progress.hpp"

namespace vscsi::collect {

void apply_progress(JobMeta& meta, const CollectorProgress& p, TimePoint now) {
    meta.updated_at = now;
    meta.collection.samples_collected = p.samples_written;
    meta.collection.errors = p.errors;
    meta.collection.vscsistats = p.collections;
    meta.collection.gaps = p.gaps;
    bool live = false;
    meta.cleanup.manual_commands.clear();
    meta.cleanup.error.clear();
    for (const auto& c : p.collections) {
        if (c.state == CollectionStatus::starting || c.state == CollectionStatus::running ||
            c.state == CollectionStatus::stop_failed)
            live = true;
        if (c.state == CollectionStatus::stop_failed) {
            meta.cleanup.manual_commands.push_back(stop_command(c.target));
            if (meta.cleanup.error.empty())
                meta.cleanup.error = c.error.empty() ? "vscsiStats could not be stopped" : c.error;
        }
    }
    meta.cleanup.vscsistats_stopped = !live;
    if (!live && !meta.cleanup.stopped_at && meta.status != JobStatus::running)
        meta.cleanup.stopped_at = now;
}

DurableProgress durable_part(const CollectorProgress& p) {
    DurableProgress d;
    d.collections.reserve(p.collections.size());
    for (const auto& c : p.collections)
        d.collections.push_back({c.state, c.armed_at, c.error, c.found_running});
    d.gaps = p.gaps;
    d.errors = p.errors.size();  // bounded: the newest tells a new one from an old
    if (!p.errors.empty()) d.last_error = p.errors.back();
    d.stop_requested = p.stop_requested;
    return d;
}

bool JobJsonSchedule::due(const CollectorProgress& progress, TimePoint now,
                          bool after_sample) const {
    if (!after_sample || !saved_ || now - saved_at_ >= kCountSaveEvery) return true;
    return !(durable_part(progress) == *saved_);
}

void JobJsonSchedule::written(const CollectorProgress& progress, TimePoint now) {
    saved_ = durable_part(progress);
    saved_at_ = now;
}

}  // namespace vscsi::collect
