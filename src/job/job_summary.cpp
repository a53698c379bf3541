#include "job/job_summary.hpp"

namespace vscsi {

std::vector<JobVm> job_vms(const JobMeta& m) {
    std::vector<JobVm> vms;
    for (const auto& t : m.targets) {
        JobVm vm{t.vm_name, t.world_group_id, {}};
        for (const auto& d : t.disks) vm.disks.push_back(d.label);
        vms.push_back(std::move(vm));
    }
    return vms;
}

JobSummary summarize(const JobMeta& m, const std::string& path) {
    JobSummary s;
    s.job_id = m.job_id;
    s.path = path;
    s.status = m.status;
    s.host = m.host.hostname;
    s.tags = m.tags;
    s.vms = job_vms(m);
    s.created_at = m.created_at;
    s.samples_collected = m.collection.samples_collected;
    s.samples_expected = m.collection.samples_expected;
    s.vscsistats_stopped = m.cleanup.vscsistats_stopped;
    return s;
}

}  // namespace vscsi
