#pragma once
// The rules behind `Recommendations:`. Each threshold is a named field with the
// reason for its default; README.md ("Recommendations") lists them for users.

#include <string>
#include <vector>

#include "analysis/recommendation.hpp"
#include "analysis/workload_metrics.hpp"

namespace vscsi {

struct RecommendationThresholds {
    // Fewer IOs than this in a direction make its percentiles and shares noise.
    std::uint64_t min_ios = 100;
    // Below this many IOPS over the analyzed samples there is nothing to size
    // (the shape rules still run when there are min_ios IOs: a light load can
    // still be unaligned).
    double idle_iops = 1.0;
    // IOs a 4 KiB-sector device (4Kn, 512e, most flash) must read-modify-write:
    // the sub-4K buckets (<= 512, 513-1024, 1025-2048 bytes) and the two
    // buckets that hold no multiple of 4 KiB (2049-4095, 4097-8191). The
    // 8193-16383 and 49153-65535 buckets also hold 12K, 52K, 56K, 60K: only
    // evidence, never counted. 1% is beyond the odd metadata IO, 10% means
    // the workload itself is misaligned.
    double unaligned_warn_percent = 1.0;
    double unaligned_critical_percent = 10.0;
    // IOs issued while more than 28 were outstanding sit in the 32 and 64
    // buckets: the LSI Logic / per-LUN default queue of 32 and the PVSCSI
    // default of 64. 5% of IOs there means the queue is often full.
    double queue_full_warn_percent = 5.0;
    double queue_full_critical_percent = 25.0;
    // Latency per direction (ms). 20 ms p99 is the usual "users notice"
    // line for VMs on spinning or hybrid storage, 50 ms is an outage-class
    // stall; on flash, anything near these is already a problem.
    double latency_p99_warn_ms = 20.0;
    double latency_p99_critical_ms = 50.0;
    double latency_mean_warn_ms = 10.0;
    // Broken sequential streams: a direction that is at least this sequential
    // by itself ...
    double stream_sequential_percent = 50.0;
    // ... while the device-wide sequential share is this many points lower
    // than the directions' weighted share (reads and writes interleave), or
    // the closest-of-16 histogram finds this many more +1 IOs than the
    // plain one (several streams interleave).
    double stream_broken_points = 20.0;
    // Small random writes: writes are at least this share of IOs (they
    // dominate: a 70/30 OLTP mix is the normal case, not a finding), this share
    // of writes is <= 16 KiB, and fewer than this share are sequential.
    double small_write_share_percent = 50.0;
    double small_write_size_percent = 60.0;
    double small_write_max_sequential_percent = 30.0;
};

// Rules over one disk's (or the job's) profile; scope names it in the output.
std::vector<Recommendation> recommend_for_profile(const WorkloadMetrics& m,
                                                  const std::string& scope,
                                                  const RecommendationThresholds& t = {});

// The job-level view: idle job, then each disk's rules (the whole job's
// profile when it has a single disk).
struct DiskProfile {
    std::string scope;
    const WorkloadMetrics* metrics;
};
std::vector<Recommendation> recommend(const WorkloadMetrics& total, std::uint64_t samples_total,
                                      const std::vector<DiskProfile>& disks,
                                      const RecommendationThresholds& t = {});

}  // namespace vscsi
