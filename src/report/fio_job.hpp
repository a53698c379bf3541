#pragma once
// A workload profile as a fio job that reproduces it, in two pure steps:
// derive_fio_job decides every option (FioJobSpec, plain data that tests
// check field by field) and render_fio_job writes it as a job file whose
// comments say where each number came from.

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/job_analysis.hpp"
#include "analysis/workload_metrics.hpp"
#include "util/error.hpp"

namespace vscsi {

enum class RateMode { off, mean, peak };
std::string_view to_string(RateMode m);
std::optional<RateMode> rate_mode_from_string(std::string_view s);

struct FioParams {
    std::string target = "vscsi-fio.dat";  // file or device fio works on
    // Empty: the span the measured random seeks cover (see seek_span.hpp),
    // between kMinDerivedSize and max_derived_size; 1G when nothing says.
    std::string size;
    std::int64_t max_derived_size = std::int64_t{4} << 30;
    unsigned runtime_seconds = 60;
    std::string ioengine = "libaio";
    bool direct = true;
    RateMode rate = RateMode::off;  // off: flat out; mean/peak: replay measured IOPS
    // Non-empty: fio also writes per-I/O logs PREFIX.iolog and PREFIX_lat.1.log
    // (vscsi validate re-measures the run from them).
    std::string log_prefix;
};

struct BsEntry {
    std::int64_t bytes = 0;
    int percent = 0;
    std::string bucket;  // the vscsiStats bucket it stands for
};

// The IO size that first stands for one vscsiStats IO-length bucket (before
// build_bssplit moves it to match the measured mean). Power-of-two limits
// stand for themselves; the buckets that end one byte short of a power of two
// (4095, 8191, 16383, 65535) for the 512-aligned middle of their range;
// overflow for the largest IO seen.
std::int64_t representative_io_size(const BucketShare& b, double max_observed);

// What one direction's IO lengths are known to be.
struct MeasuredSizes {
    double min = kNaN, max = kNaN;  // vscsiStats min/max of the direction
    double mean = kNaN;             // count x mean / count
};

// Whole percentages that add up to exactly 100 (largest remainder); sizes
// whose share rounds to 0 are dropped and listed in `dropped`. Each size is a
// multiple of 512 inside its bucket and inside [min, max], chosen so that the
// split's mean equals the measured mean within 1% when the buckets allow it;
// when they do not, `mean_note` says so.
std::vector<BsEntry> build_bssplit(const std::vector<BucketShare>& shares,
                                   const MeasuredSizes& measured, std::vector<std::string>& dropped,
                                   std::string& mean_note);
double bssplit_mean(const std::vector<BsEntry>& e);

std::string fio_size_text(std::int64_t bytes);  // 4096 -> "4k", 3584 -> "3584"

// How a rate-limited replay keeps the measured concurrency: `size` IOs issued
// back to back (iodepth and thinktime_blocks) every `period_us` (thinktime).
// size 1 means steady pacing: not rate-limited, no concurrency to keep, or a
// queue that the disk's own latency explains (Little's law: IOPS x mean
// latency), which a replay rebuilds by itself on a disk as slow and should not
// fake on a faster one.
// Share of a burst period spent thinking: the rest is slack for the bursts'
// own duration, which fio's rate limiter absorbs (see burst_plan).
inline constexpr double kBurstThinkFraction = 0.9;
struct BurstPlan {
    int size = 1;
    std::int64_t period_us = 0;
    double little_queue = 0;  // IOPS x mean latency: the queue the latency explains
};
BurstPlan burst_plan(double mean_outstanding, double iops, double mean_latency_ms,
                     bool rate_limited);

// Whether the measured arrivals are paced (evenly spaced: backup, media,
// replication streams) or random. Exponential (Poisson) gaps with the
// measured mean give each interarrival bucket a share; arrivals at least
// kPacedDistance (TVD) away from that with at least kPacedModalPercent in one
// bounded bucket are paced, and the replay paces linearly (unless IOs overlap:
// then arrivals follow completions, and Poisson arrivals rebuild the queue).
inline constexpr double kPacedDistance = 0.25;
inline constexpr double kPacedModalPercent = 50.0;
struct ArrivalShape {
    double poisson_distance = kNaN;
    double modal_percent = 0;
    bool steady() const {
        return poisson_distance >= kPacedDistance && modal_percent >= kPacedModalPercent;
    }
};
ArrivalShape arrival_shape(const WorkloadMetrics& m, Direction d = Direction::total);

struct FioSource {
    std::string job_id;
    std::string scope;  // "all 2 disks", "scsi0:0 (wg ..)"
    const AnalysisResult* analysis = nullptr;
    const WorkloadMetrics* metrics = nullptr;
};

enum class RateProcess { none, poisson, linear };

inline constexpr std::int64_t kMinDerivedSize = std::int64_t{16} << 20;
inline constexpr std::int64_t kDefaultSize = std::int64_t{1} << 30;
// A span fitted further than this (TVD) from the measured seeks is said to be a poor model.
inline constexpr double kSeekModelFit = 0.10;

// The iodepth that lets a queue like the measured one form: its mean when the
// run goes flat out; when it is rate-limited and IOs overlapped (mean >=
// 1.05) at least the bucket holding the 99th percentile, so that arrivals at
// the measured rate can pile up as far as they did (a cap, not a target).
int queue_iodepth(double mean, const std::vector<BucketShare>& outstanding, bool rate_limited);

// One direction's share of the job (read or write).
struct FioDirection {
    bool present = false;              // the profile has IOs in this direction
    std::vector<BsEntry> bssplit;      // sorted by size; percentages add up to 100
    std::vector<std::string> dropped;  // sizes whose share rounds to 0%
    std::string mean_note;             // non-empty: why the split's mean misses the measured one
    double measured_mean_bytes = kNaN;
    double sequential_percent = kNaN;  // measured (seek distance exactly +1)
    int percentage_random = 100;
    int rate_iops = 0;            // replayed IOs/s (rate != off)
    std::int64_t rate_bytes = 0;  // replayed bytes/s (linear pacing with mixed sizes)
    // Its own queue when it runs as its own section (FlowSplit).
    double outstanding_mean = kNaN;  // measured, of this direction
    int iodepth = 1;
    BurstPlan bursts;
    ArrivalShape arrivals;  // of this direction's interarrival times
    RateProcess rate_process = RateProcess::none;
    bool rate_in_bytes = false;
};

// Reads and writes as two job sections, each with its own sizes, randomness
// and queue: when they behave as separate streams (a sequential scan beside
// random writes; queues apart), or when one section cannot hold them (a whole
// rwmixread misses a minor direction's share, or a rate-limited minor
// direction runs under 1 IOPS: fio rates are whole IOPS). In one fio flow
// (token flow control keeps their IO counts in the ratio of the weights,
// 1..1000 each) when flat out or when the minor rate cannot be written;
// otherwise each section has its own rate.
inline constexpr double kMaxMixMissPoints = 0.2;       // read share, percentage points
inline constexpr double kMaxMinorMiss = 0.05;          // relative, of the minor direction
inline constexpr double kStreamSequentialPoints = 50;  // sequential shares this far apart
inline constexpr double kStreamQueueMiss = 0.15;       // per-direction queue vs one mixed stream
inline constexpr std::uint64_t kMinStreamIos = 100;    // per direction, to tell how it behaves
struct FlowSplit {
    bool on = false;
    bool flow = false;  // coupled by flow weights (else each section has its own rate)
    bool minor_is_read = true;
    int read_weight = 0, write_weight = 0;
    std::string reason;
};

struct FioJobSpec {
    // Where it came from (comments of the job file).
    std::string job_id, scope, section;
    TimePoint analyzed_at{};
    std::uint64_t samples_analyzed = 0, samples_total = 0;
    std::string filter_explanation;
    double iops_total = 0, iops_read = 0, iops_write = 0, mbps = 0, seconds = 0;
    std::uint64_t ios_read = 0, ios_write = 0;
    double read_percent = kNaN;
    double read_latency_ms = kNaN, write_latency_ms = kNaN;  // means
    // [global]
    FioParams params;
    std::string size_note;  // where the size came from
    // Non-empty: the size is not the span the random seeks cover (capped,
    // raised to the minimum, or given), so a replay cannot reproduce the
    // seek distances; why.
    std::string seek_span_missed;
    // [section]
    int rwmixread = 0;  // 1..99 with both directions, 0 with one
    FlowSplit split;
    FioDirection read, write;
    std::vector<std::string> assumptions;  // values the data could not support, and why
    std::string unaligned;  // non-empty: why bs_unaligned=1 (a size not a multiple of the smallest)
    PercentileSummary queue;
    MeanBounds queue_mean_bounds;
    PercentileMethod percentile_method = PercentileMethod::interpolate;
    int iodepth = 1;
    BurstPlan bursts;  // size > 1: iodepth/thinktime bursts instead of iodepth
    PeakSample peak;   // the replayed sample with RateMode::peak
    ArrivalShape arrivals;
    RateProcess rate_process = RateProcess::none;
    bool rate_in_bytes = false;           // linear pacing with mixed sizes: rate=, not rate_iops=
    bool arrivals_per_direction = false;  // linear because each direction is paced
};

// Errors (kind usage) when there is nothing to reproduce (no I/O).
Result<FioJobSpec> derive_fio_job(const FioSource& src, const FioParams& params);
std::string render_fio_job(const FioJobSpec& spec);

}  // namespace vscsi
