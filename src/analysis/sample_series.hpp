#pragma once
// What charts need over time: per disk (and for all disks together) each
// sample's histograms and rates. Memory stays bounded on jobs of days: when
// there are more points than a chart can show, neighbours merge pairwise.

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "analysis/job_analysis.hpp"

namespace vscsi {

// The histogram kinds charted over time (closest-of-16 is a total-only variant).
inline constexpr std::array<Metric, 5> kChartMetrics{Metric::io_length, Metric::seek_distance,
                                                     Metric::outstanding_ios, Metric::latency,
                                                     Metric::interarrival};

// One sample, or a run of neighbouring samples merged into one.
struct SeriesPoint {
    std::uint64_t first_seq = 0, last_seq = 0;
    TimePoint start{}, end{};
    double seconds = 0;
    std::uint32_t samples = 0, analyzed_samples = 0;
    std::array<std::uint64_t, 3> ios{};         // by Direction
    std::array<double, 3> bytes{};              // count x mean of the IO-length histograms
    std::array<std::int64_t, 3> latency_max{};  // µs, bounds the overflow bucket
    std::array<std::vector<std::uint64_t>, kSlotCount> freqs;  // empty: slot absent

    // A merged point counts as analyzed if any of its samples was.
    bool analyzed() const { return analyzed_samples > 0; }
    double iops(Direction d) const;
    double mbps(Direction d) const;
    // Frequencies per second of one histogram; empty when absent.
    std::vector<double> rates(std::size_t slot) const;
    // Bucket-upper-bound percentile of this point's latency histogram, NaN if empty.
    double latency_ms(Direction d, double q, const HistogramLimits& limits) const;

    void merge(const SeriesPoint& later);
};

// Summary of one figure over the analyzed samples (one value per sample).
struct RunningStats {
    double sum = 0, min = std::numeric_limits<double>::infinity(),
           max = -std::numeric_limits<double>::infinity();
    std::uint64_t n = 0;
    void add(double v);
    double mean() const {
        return n ? sum / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
    }
};

struct SeriesStats {
    std::array<RunningStats, 3> iops, mbps, latency_p50_ms, latency_p99_ms;  // by Direction
};

struct DiskSeries {
    DiskId disk;  // handle 0 and label "all disks" for the job total
    std::array<HistogramLimits, kSlotCount> limits;
    std::vector<SeriesPoint> points;
    SeriesStats stats;
    std::uint64_t filtered_samples = 0;

    bool has_slot(Metric m, Direction d) const { return !limits[*slot_of(m, d)].empty(); }
};

// Merges neighbouring points until at most `max_points` remain (a copy).
std::vector<SeriesPoint> downsample(const std::vector<SeriesPoint>& points, std::size_t max_points);

class SampleSeriesCollector final : public SampleObserver {
  public:
    explicit SampleSeriesCollector(std::size_t max_points = 480) : max_points_(max_points) {}
    void on_sample(const Sample& sample, bool analyzed) override;

    const std::vector<DiskSeries>& disks() const { return disks_; }
    const DiskSeries& all_disks() const { return all_; }

  private:
    DiskSeries& series_for(const DiskId& id);
    void bound(DiskSeries& s) const;

    std::size_t max_points_;
    std::vector<DiskSeries> disks_;
    DiskSeries all_{{0, 0, "all disks"}, {}, {}, {}, 0};
};

}  // namespace vscsi
