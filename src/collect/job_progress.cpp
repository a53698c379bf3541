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

}  // namespace vscsi::collect
