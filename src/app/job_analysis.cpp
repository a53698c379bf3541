#include "app/job_analysis.hpp"

#include <fmt/core.h>

namespace vscsi::app {

AnalysisResult analyze_job(const JobDir& dir, const JobMeta& meta, const AnalyzeOptions& options,
                           std::span<SampleObserver* const> observers) {
    AnalysisSubject subject{meta.job_id, {}, {}, {}};
    for (const auto& t : meta.targets) subject.vm_names.emplace(t.world_group_id, t.vm_name);
    if (meta.import) {
        subject.interval_source = meta.import->interval_source;
        subject.interval_detail = meta.import->interval_detail;
    } else if (meta.source == "import") {
        subject.interval_source = "given";  // imported before vscsi inferred intervals
        subject.interval_detail = "--interval of the import";
    } else {
        subject.interval_source = "collected";
        subject.interval_detail = "each sample's start and end as clocked by vscsi";
    }
    SampleCursor samples(dir);
    auto r = analyze_samples(samples, subject, options, now_ms(), observers);

    if (meta.status != JobStatus::completed ||
        meta.collection.samples_collected < meta.collection.samples_expected)
        r.warnings.insert(
            r.warnings.begin(),
            fmt::format("job '{}' is {} with {} of {} samples: the analysis covers partial data "
                        "and may miss the peak",
                        meta.job_id, to_string(meta.status), meta.collection.samples_collected,
                        meta.collection.samples_expected));
    if (!meta.cleanup.vscsistats_stopped && !meta.cleanup.error.empty())
        r.warnings.push_back(
            fmt::format("vscsiStats may still run on {}: {} (run `vscsi job cleanup {}`)",
                        meta.host.hostname, meta.cleanup.error, meta.job_id));
    return r;
}

}  // namespace vscsi::app
