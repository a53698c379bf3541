#pragma once
// The collector's settings for a job, from the resume plan job.json keeps.

#include "collect/collector_fsm.hpp"
#include "job/job_meta.hpp"

namespace vscsi::collect {

// Without the resume fields (samples_done...): those are the resumer's.
CollectorConfig collector_config(const ResumePlan& plan, const std::string& origin);

}  // namespace vscsi::collect
