#include "job/job_summary.hpp"

namespace vscsi {

JobSummary summarize(const JobMeta& m, const std::string& path) {
    JobSummary s;
    s.job_id = m.job_id;
    s.path = path;
    s.status = m.status;
    s.host = m.host.hostname;
    s.tags = m.tags;
    for (const auto& t : m.targets) s.vms.push_back(t.vm_name);
    s.created_at = m.created_at;
    s.samples_collected = m.collection.samples_collected;
    s.samples_expected = m.collection.samples_expected;
    s.vscsistats_stopped = m.cleanup.vscsistats_stopped;
    return s;
}

}  // namespace vscsi
