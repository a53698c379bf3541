#include "collect/job_progress.hpp"

#include <boost/json.hpp>

namespace vscsi::collect {

void apply_progress(JobMeta& meta, const CollectorProgress& p, TimePoint now) {
    meta.updated_at = now;
    meta.collection.samples_collected = p.samples_written;
    meta.collection.errors = p.errors;
    boost::json::array cols;
    bool live = false;
    meta.cleanup.manual_commands.clear();
    meta.cleanup.error.clear();
    for (const auto& c : p.collections) {
        boost::json::object o{{"world_group_id", c.target.world_group_id},
                              {"state", to_string(c.state)},
                              {"start_command", start_command(c.target)},
                              {"stop_command", stop_command(c.target)},
                              {"error", c.error}};
        o["handle_id"] = c.target.handle_id ? boost::json::value(*c.target.handle_id) : nullptr;
        o["armed_at"] = c.armed_at ? boost::json::value(format_iso8601(*c.armed_at)) : nullptr;
        cols.push_back(std::move(o));
        if (c.state == CollectionStatus::starting || c.state == CollectionStatus::running ||
            c.state == CollectionStatus::stop_failed)
            live = true;
        if (c.state == CollectionStatus::stop_failed) {
            meta.cleanup.manual_commands.push_back(stop_command(c.target));
            if (meta.cleanup.error.empty()) meta.cleanup.error = c.error.empty() ? "vscsiStats could not be stopped" : c.error;
        }
    }
    meta.extra["collections"] = std::move(cols);
    meta.extra["gaps"] = p.gaps;
    meta.cleanup.vscsistats_stopped = !live;
    if (!live && !meta.cleanup.stopped_at && meta.status != JobStatus::running) meta.cleanup.stopped_at = now;
}

}  // namespace vscsi::collect
