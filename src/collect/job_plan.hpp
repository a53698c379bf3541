#pragma once
// What a collector needs to pick a job up again after the daemon died: the
// collector settings and the non-secret SSH settings, kept in job.json under
// "plan". The password is never part of it.

#include <boost/json/object.hpp>

#include "collect/collector_fsm.hpp"
#include "job/job_meta.hpp"
#include "host/ssh_params.hpp"

namespace vscsi::collect {

struct JobPlan {
    CollectorConfig collector;  // the resume fields (samples_done...) are not stored
    Millis command_timeout{120'000};
    host::SshParams ssh;  // password always empty here
};

boost::json::object plan_to_json(const JobPlan& p);
// Throws DataError naming `source` and the field ("plan.interval_ms", ...).
JobPlan plan_from_meta(const JobMeta& meta, const std::string& source);

// Past this time a job found running is finished with what it has rather than
// resumed: its start plus samples x interval plus the outage it tolerates.
TimePoint planned_end(const JobMeta& meta, const JobPlan& p);

}  // namespace vscsi::collect
