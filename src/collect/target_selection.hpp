#pragma once
// Which collections a job needs, from what the user named and what
// `vscsiStats -l` listed. VM names are matched here, locally: only the numeric
// IDs that come out of this ever reach a remote command. Pure.

#include <string>
#include <vector>

#include "format/vscsistats_commands.hpp"
#include "format/vscsistats_listing.hpp"
#include "job/job_meta.hpp"
#include "util/error.hpp"

namespace vscsi::collect {

struct Selection {
    std::vector<Target> targets;                // for job.json
    std::vector<CollectionTarget> collections;  // for the collector
};

// vm_specs: display names (exact, else a unique case-insensitive match) or
// worldGroupIDs; disk_specs: "all" (default), labels ("scsi0:1") or handleIDs.
// Errors say what did not match and what exists.
Result<Selection> select_targets(const VscsiStatsListing& listing,
                                 const std::vector<std::string>& vm_specs,
                                 const std::vector<std::string>& disk_specs);

}  // namespace vscsi::collect
