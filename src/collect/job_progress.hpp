#pragma once
// What job.json records about a collection in progress. Pure.

#include "collect/collector_fsm.hpp"
#include "job/job_meta.hpp"

namespace vscsi::collect {

// Copies the collector's progress into the job metadata: sample count,
// errors, every collection with its state (recorded before it is started),
// and the cleanup state with the commands to run by hand if a stop failed.
void apply_progress(JobMeta& meta, const CollectorProgress& progress, TimePoint now);

}  // namespace vscsi::collect
