#pragma once
// `vscsi vcenter survey`: log in to a vCenter, read its inventory, pick the
// VMs, query their disks' real-time counters in a few batched calls and rank
// them. Runs its own event loop.

#include <functional>
#include <string>

#include "util/error.hpp"
#include "vcenter/vim_session.hpp"
#include "vsphere/fleet_survey.hpp"

namespace vscsi {

struct SurveyRequest {
    vcenter::VcenterParams vc;
    vsphere::VmFilter filter;
    int minutes = 60;  // of real-time (20 s) statistics, which servers keep an hour
};

// progress(line): what it is doing, for a status line.
Result<vsphere::FleetSurvey> run_vcenter_survey(
    const SurveyRequest& request, const std::function<void(const std::string&)>& progress = {});

}  // namespace vscsi
