#pragma once
// Stops, again, every collection job.json records as not stopped: after a
// failed stop, or a collector that was killed. Commands are rebuilt from the
// recorded numbers, never from recorded text.

#include <boost/asio/awaitable.hpp>

#include "format/vscsistats_commands.hpp"
#include "host/host_shell.hpp"
#include "job/job_dir.hpp"

namespace vscsi::collect {

struct CleanupResult {
    std::size_t attempted = 0;
    std::vector<std::string> failures;  // "COMMAND: why"
};

std::vector<CollectionTarget> collections_not_stopped(const JobMeta& meta);

// Runs the stop commands, records the outcome in `meta` and saves job.json.
// Throws std::runtime_error when job.json cannot be written.
boost::asio::awaitable<CleanupResult> cleanup_job(host::HostShell& link, const JobDir& dir,
                                                  JobMeta& meta);

}  // namespace vscsi::collect
