#pragma once
// Human renderings of the daemon's job.status and job.list answers. Pure:
// `now` is passed in, so tests pin the "next sample in" arithmetic.

#include <string>

#include "protocol/messages.hpp"
#include "util/time.hpp"

namespace vscsi {

std::string format_job_status(const protocol::JobView& status, TimePoint now);
// One line for `job status --follow` updates.
std::string format_job_progress_line(const protocol::JobView& status, TimePoint now);
std::string format_job_list(const protocol::JobList& list);

}  // namespace vscsi
