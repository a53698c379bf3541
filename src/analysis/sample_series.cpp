#include "analysis/sample_series.hpp"

#include <algorithm>
#include <cmath>

namespace vscsi {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

std::size_t di(Direction d) {
    return static_cast<std::size_t>(d);
}

bool is_charted(std::size_t slot) {
    const auto m = slot_info(slot).metric;
    return std::find(kChartMetrics.begin(), kChartMetrics.end(), m) != kChartMetrics.end();
}

// Adds one disk's histograms of one sample into a point. Limits are taken from
// the first sample; a histogram with other limits is left out (the analysis
// already warns about changed limits).
void add_disk(DiskSeries& s, SeriesPoint& p, const DiskHistograms& d) {
    for (std::size_t slot = 0; slot < kSlotCount; ++slot) {
        if (!d.present[slot]) continue;
        const auto& h = d.slots[slot];
        const auto info = slot_info(slot);
        if (info.metric == Metric::io_length) {
            p.ios[di(info.direction)] += h.count;
            p.bytes[di(info.direction)] +=
                static_cast<double>(h.count) * static_cast<double>(h.mean);
        }
        if (info.metric == Metric::latency)
            p.latency_max[di(info.direction)] = std::max(p.latency_max[di(info.direction)], h.max);
        if (!is_charted(slot)) continue;
        auto& limits = s.limits[slot];
        if (limits.empty()) limits = h.limits;
        if (limits != h.limits || h.frequencies.size() != limits.size() + 1) continue;
        auto& f = p.freqs[slot];
        if (f.empty()) f.assign(h.frequencies.size(), 0);
        for (std::size_t i = 0; i < f.size(); ++i) f[i] += h.frequencies[i];
    }
}

void record_stats(DiskSeries& s, const SeriesPoint& p) {
    for (auto d : kAllDirections) {
        const auto i = di(d);
        s.stats.iops[i].add(p.iops(d));
        s.stats.mbps[i].add(p.mbps(d));
        const auto& limits = s.limits[*slot_of(Metric::latency, d)];
        const double p50 = p.latency_ms(d, 0.50, limits);
        if (std::isfinite(p50)) s.stats.latency_p50_ms[i].add(p50);
        const double p99 = p.latency_ms(d, 0.99, limits);
        if (std::isfinite(p99)) s.stats.latency_p99_ms[i].add(p99);
    }
}

SeriesPoint new_point(const SampleHeader& h, bool analyzed) {
    SeriesPoint p;
    p.first_seq = p.last_seq = h.seq;
    p.start = h.start;
    p.end = h.end;
    p.seconds = h.seconds();
    p.samples = 1;
    p.analyzed_samples = analyzed ? 1 : 0;
    return p;
}

}  // namespace

double SeriesPoint::iops(Direction d) const {
    // Older formats print only read and write histograms.
    const auto n = d == Direction::total && ios[0] == 0 ? ios[1] + ios[2] : ios[di(d)];
    return seconds > 0 ? static_cast<double>(n) / seconds : kNan;
}

double SeriesPoint::mbps(Direction d) const {
    const auto b = d == Direction::total && bytes[0] == 0 ? bytes[1] + bytes[2] : bytes[di(d)];
    return seconds > 0 ? b / seconds / 1e6 : kNan;
}

std::vector<double> SeriesPoint::rates(std::size_t slot) const {
    std::vector<double> r;
    for (auto f : freqs[slot]) r.push_back(seconds > 0 ? static_cast<double>(f) / seconds : 0.0);
    return r;
}

double SeriesPoint::latency_ms(Direction d, double q, const HistogramLimits& limits) const {
    const auto& f = freqs[*slot_of(Metric::latency, d)];
    if (f.empty() || limits.empty()) return kNan;
    Histogram h;
    h.limits = limits;
    h.frequencies = f;
    h.max = latency_max[di(d)];
    for (auto x : f) h.count += x;
    if (h.count == 0) return kNan;
    HistogramAccumulator a;
    a.add(h);
    return a.percentile(q, PercentileMethod::interpolate) / 1000.0;
}

void SeriesPoint::merge(const SeriesPoint& later) {
    last_seq = later.last_seq;
    end = later.end;
    seconds += later.seconds;
    samples += later.samples;
    analyzed_samples += later.analyzed_samples;
    for (std::size_t i = 0; i < 3; ++i) {
        ios[i] += later.ios[i];
        bytes[i] += later.bytes[i];
        latency_max[i] = std::max(latency_max[i], later.latency_max[i]);
    }
    for (std::size_t s = 0; s < kSlotCount; ++s) {
        const auto& o = later.freqs[s];
        if (o.empty()) continue;
        auto& f = freqs[s];
        if (f.empty()) f.assign(o.size(), 0);
        for (std::size_t i = 0; i < f.size() && i < o.size(); ++i) f[i] += o[i];
    }
}

void RunningStats::add(double v) {
    if (!std::isfinite(v)) return;
    sum += v;
    min = std::min(min, v);
    max = std::max(max, v);
    ++n;
}

std::vector<SeriesPoint> downsample(const std::vector<SeriesPoint>& points,
                                    std::size_t max_points) {
    if (max_points == 0 || points.size() <= max_points) return points;
    const std::size_t group = (points.size() + max_points - 1) / max_points;
    std::vector<SeriesPoint> out;
    out.reserve(max_points);
    for (std::size_t i = 0; i < points.size(); i += group) {
        SeriesPoint p = points[i];
        for (std::size_t j = i + 1; j < i + group && j < points.size(); ++j) p.merge(points[j]);
        out.push_back(std::move(p));
    }
    return out;
}

DiskSeries& SampleSeriesCollector::series_for(const DiskId& id) {
    for (auto& s : disks_)
        if (s.disk.same_disk(id)) return s;
    disks_.push_back({});
    disks_.back().disk = id;
    return disks_.back();
}

void SampleSeriesCollector::bound(DiskSeries& s) const {
    if (s.points.size() <= 2 * max_points_) return;
    s.points = downsample(s.points, max_points_);
}

void SampleSeriesCollector::on_sample(const Sample& sample, bool analyzed) {
    auto total = new_point(sample.header, analyzed);
    for (const auto& d : sample.data.disks) {
        auto& s = series_for(d.disk);
        auto p = new_point(sample.header, analyzed);
        add_disk(s, p, d);
        add_disk(all_, total, d);
        if (analyzed)
            record_stats(s, p);
        else
            ++s.filtered_samples;
        s.points.push_back(std::move(p));
        bound(s);
    }
    if (analyzed)
        record_stats(all_, total);
    else
        ++all_.filtered_samples;
    all_.points.push_back(std::move(total));
    bound(all_);
}

}  // namespace vscsi
