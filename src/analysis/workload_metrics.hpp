#pragma once
// The workload profile of one disk (or a whole job) over the analyzed samples.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/histogram_accumulator.hpp"
#include "format/histogram.hpp"
#include "util/error.hpp"

namespace vscsi {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// All histograms of one disk (or of several disks summed), over many samples.
struct DiskAccumulator {
    std::array<HistogramAccumulator, kSlotCount> slots;

    DiskAccumulator() = default;
    DiskAccumulator(const DiskAccumulator& o) : slots(o.slots) {}  // each slot its own counts
    DiskAccumulator(DiskAccumulator&&) noexcept = default;
    DiskAccumulator& operator=(const DiskAccumulator& o) {
        if (this != &o) {
            slots = o.slots;
            block_.reset();
        }
        return *this;
    }
    DiskAccumulator& operator=(DiskAccumulator&&) noexcept = default;
    ~DiskAccumulator() = default;

    // Fails (bad_data) when the histograms do not fit (bucket limits changed).
    // The first add keeps every slot's bucket counts in one allocation.
    Result<void> add(const DiskHistograms& d);
    void merge(const DiskAccumulator& o);
    const HistogramAccumulator& at(Metric m, Direction d) const { return slots[*slot_of(m, d)]; }

  private:
    // The slots' counts from the first add (slots never free what points into it).
    std::unique_ptr<std::uint64_t[]> block_;
};

struct PercentileSummary {
    double mean = kNaN, p50 = kNaN, p95 = kNaN, p99 = kNaN;
};

// One non-empty bucket of a histogram summed over the analyzed samples.
struct BucketShare {
    std::optional<std::int64_t> low;   // exclusive; none for the first bucket
    std::optional<std::int64_t> high;  // inclusive; none for the overflow bucket
    std::string key;                   // the bucket limit as text, ">524288" for overflow
    std::uint64_t count = 0;
    double percent = 0;
};

struct PerDirection {
    double total = kNaN, read = kNaN, write = kNaN;
    double& operator[](Direction d) {
        return d == Direction::read ? read : d == Direction::write ? write : total;
    }
    double operator[](Direction d) const {
        return d == Direction::read ? read : d == Direction::write ? write : total;
    }
};

// A figure the data cannot support because its histograms are missing (an
// output of `vscsiStats -p ioLength` or another single type).
struct NotMeasured {
    std::string_view key;  // the figure in summary.json, e.g. "sequential_percent"
    std::string reason;
};

struct WorkloadMetrics {
    double seconds = 0;
    std::array<bool, kSlotCount> measured{};  // which histograms were in the data
    std::uint64_t ios_total = 0, ios_read = 0, ios_write = 0;
    PerDirection iops;
    double read_percent = kNaN;    // reads / (reads + writes)
    PerDirection throughput_mbps;  // count x mean bytes / seconds / 10^6
    PerDirection mean_io_bytes;
    PerDirection min_io_bytes;  // smallest IO seen (vscsiStats min)
    PerDirection max_io_bytes;  // largest IO seen (vscsiStats max)
    // The summed histograms the figures came from (shared, not copied, by
    // copies of these metrics): the bucket shapes are read from them when
    // asked, so a disk keeps its few KB of buckets, not every share as text.
    std::shared_ptr<const DiskAccumulator> histograms;
    PerDirection sequential_percent;  // share of IOs at seek distance exactly +1 LBN
    // Mean time between successive IOs: analyzed time / IOs. Not vscsiStats'
    // own mean, which after -s includes the first IO's gap from long before
    // (734 s on the real sample, whose IOs arrive 1.2 s apart).
    PerDirection interarrival_mean_us;
    PercentileSummary
        queue_depth;  // outstanding IOs when a new IO is issued; mean = bounds' middle
    MeanBounds queue_depth_mean_bounds;  // what the buckets and the integer means prove
    // Per direction: outstanding IOs of that direction when one of it is
    // issued (vscsiStats' Read/Write histograms), the middle of what the
    // buckets and integer means prove.
    PerDirection outstanding_mean;
    PercentileSummary latency_ms_read, latency_ms_write, latency_ms_total;
    PercentileMethod percentile_method = PercentileMethod::interpolate;

    bool idle() const { return ios_total == 0; }
    // Non-empty buckets of one histogram (the shapes that recommendations,
    // fio jobs and comparisons read): set ones first, else from `histograms`.
    [[nodiscard]] std::vector<BucketShare> distribution(Metric m, Direction d) const;
    [[nodiscard]] std::vector<BucketShare> sizes(Direction d) const {
        return distribution(Metric::io_length, d);
    }
    // Replaces one shape (a profile built by hand, or a fio trace's).
    void set_distribution(Metric m, Direction d, std::vector<BucketShare> shares);
    bool measured_metric(Metric m) const;  // any direction of it
    std::vector<NotMeasured> not_measured() const;
    // Percent of IOs in buckets whose upper limit is one of `highs` (nullopt = overflow).
    double percent_in(Metric m, Direction d,
                      std::initializer_list<std::optional<std::int64_t>> highs) const;

  private:
    using SetShapes = std::array<std::optional<std::vector<BucketShare>>, kSlotCount>;
    std::shared_ptr<const SetShapes> set_shapes_;
};

WorkloadMetrics compute_metrics(std::shared_ptr<const DiskAccumulator> acc, double seconds,
                                PercentileMethod method);
WorkloadMetrics compute_metrics(const DiskAccumulator& acc, double seconds,
                                PercentileMethod method);

// Cheap per-sample figures (for filters, time series and exports).
struct SampleFigures {
    PerDirection iops, throughput_mbps, latency_mean_ms, sequential_percent, mean_io_bytes;
    double outstanding_mean = kNaN;
};
SampleFigures sample_figures(const DiskHistograms& d, double seconds);
// Total IOPS of all disks in one sample.
double sample_total_iops(const VscsiStatsOutput& o, double seconds);

// The IOs of one sample, counted a run of histograms at a time (a streamed
// sample): per disk its IO-length total histogram, else its read and write
// ones, wherever in the sample they come.
class SampleIos {
  public:
    void clear() { disks_.clear(); }
    void add(const DiskHistograms& run, std::size_t position);
    std::uint64_t total() const;

  private:
    struct Disk {
        bool has_total = false;
        std::uint64_t total = 0, read_write = 0;
    };
    std::vector<Disk> disks_;  // by position in the sample
};

}  // namespace vscsi
