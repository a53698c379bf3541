#pragma once
// Streams a job's samples twice - once for the per-sample activity the filter
// needs, once to accumulate the analyzed samples - so memory stays flat in
// the number of samples (one float per sample is kept for the filter).
// Pure: the samples come from a SampleSource, the analysis time is given.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "analysis/recommendation.hpp"
#include "analysis/sample_filter.hpp"
#include "analysis/sample_source.hpp"
#include "analysis/workload_metrics.hpp"

namespace vscsi {

struct AnalyzeOptions {
    FilterSpec filter;
    PercentileMethod percentile_method = PercentileMethod::interpolate;
};

// Sees every readable sample in order during the second pass (exports).
class SampleObserver {
  public:
    virtual ~SampleObserver() = default;
    virtual void on_sample(const Sample& sample, bool analyzed) = 0;
};

struct PeakSample {
    std::uint64_t seq = 0;
    TimePoint start{};
    double iops_total = 0, iops_read = 0, iops_write = 0;
};

struct DiskResult {
    DiskId disk;
    std::string vm_name;
    WorkloadMetrics metrics;
};

struct AnalysisResult {
    std::string job_id;
    TimePoint analyzed_at{};
    FilterDecision filter;
    std::uint64_t samples_total = 0;  // readable samples
    std::uint64_t samples_analyzed = 0;
    std::uint64_t samples_unreadable = 0;
    std::optional<TimePoint> first_start, last_end;
    // Where the samples' times come from: "collected" (clocked by vscsi),
    // "given" or "inferred" (imports), and how.
    std::string interval_source, interval_detail;
    WorkloadMetrics total;  // all disks together
    std::vector<DiskResult> disks;
    PeakSample peak;  // busiest analyzed sample
    std::vector<std::string> warnings;
    std::vector<Recommendation> recommendations;

    std::uint64_t samples_filtered() const { return samples_total - samples_analyzed; }
};

// What analysis knows of a job besides its samples.
struct AnalysisSubject {
    std::string job_id;
    std::map<std::int64_t, std::string> vm_names;  // by worldGroupID
    std::string interval_source, interval_detail;  // see AnalysisResult
};

AnalysisResult analyze_samples(SampleSource& samples, const AnalysisSubject& subject,
                               const AnalyzeOptions& options, TimePoint analyzed_at,
                               std::span<SampleObserver* const> observers = {});

}  // namespace vscsi
