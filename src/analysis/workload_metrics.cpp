#include "analysis/workload_metrics.hpp"

#include <fmt/core.h>

namespace vscsi {
namespace {

constexpr std::array<Direction, 3> kDirections{Direction::total, Direction::read, Direction::write};

PercentileSummary summarize(const HistogramAccumulator& a, PercentileMethod m, double scale) {
    PercentileSummary s;
    if (a.empty()) return s;
    s.mean = a.mean() * scale;
    s.p50 = a.percentile(0.50, m) * scale;
    s.p95 = a.percentile(0.95, m) * scale;
    s.p99 = a.percentile(0.99, m) * scale;
    return s;
}

std::uint64_t ios(const DiskAccumulator& acc, Direction d) {
    return acc.at(Metric::io_length, d).count();
}

std::vector<BucketShare> shares_of(const HistogramAccumulator& h) {
    std::vector<BucketShare> shares;
    std::uint64_t total = 0;
    for (auto f : h.frequencies()) total += f;
    for (std::size_t i = 0; total > 0 && i < h.frequencies().size(); ++i) {
        const auto f = h.frequencies()[i];
        if (f == 0) continue;
        BucketShare b;
        if (i > 0) b.low = h.limits()[i - 1];
        if (i < h.limits().size()) {
            b.high = h.limits()[i];
            b.key = std::to_string(*b.high);
        } else {
            b.key = ">" + std::to_string(h.limits().back());
        }
        b.count = f;
        b.percent = 100.0 * static_cast<double>(f) / static_cast<double>(total);
        shares.push_back(std::move(b));
    }
    return shares;
}

double sequential(std::uint64_t at_plus_one, std::uint64_t total) {
    return total == 0 ? kNaN
                      : 100.0 * static_cast<double>(at_plus_one) / static_cast<double>(total);
}

}  // namespace

Result<void> DiskAccumulator::add(const DiskHistograms& d) {
    const bool fresh = !block_ && std::none_of(slots.begin(), slots.end(),
                                               [](const auto& h) { return h.measured(); });
    if (fresh) {
        // One allocation for all of the disk's bucket counts (16 otherwise, each
        // with the allocator's own overhead): most disks are added once, then summed.
        std::size_t total = 0;
        for (std::size_t s = 0; s < kSlotCount; ++s)
            if (d.present[s]) total += d.slots[s].frequencies.size();
        if (total > 0) {
            block_ = std::make_unique<std::uint64_t[]>(total);
            std::size_t at = 0;
            for (std::size_t s = 0; s < kSlotCount; ++s) {
                if (!d.present[s]) continue;
                slots[s].start_in(d.slots[s], block_.get() + at);
                at += d.slots[s].frequencies.size();
            }
            return {};
        }
    }
    for (std::size_t s = 0; s < kSlotCount; ++s) {
        if (!d.present[s]) continue;
        if (!slots[s].add(d.slots[s]))
            return Error{ErrorKind::bad_data,
                         fmt::format("bucket limits of '{}' differ from earlier samples of disk {}",
                                     slot_info(s).title, d.disk.display()),
                         ""};
    }
    return {};
}

void DiskAccumulator::merge(const DiskAccumulator& o) {
    for (std::size_t s = 0; s < kSlotCount; ++s) slots[s].merge(o.slots[s]);
}

WorkloadMetrics compute_metrics(const DiskAccumulator& acc, double seconds,
                                PercentileMethod method) {
    return compute_metrics(std::make_shared<const DiskAccumulator>(acc), seconds, method);
}

WorkloadMetrics compute_metrics(std::shared_ptr<const DiskAccumulator> summed, double seconds,
                                PercentileMethod method) {
    const auto& acc = *summed;
    WorkloadMetrics m;
    m.seconds = seconds;
    m.percentile_method = method;
    m.ios_read = ios(acc, Direction::read);
    m.ios_write = ios(acc, Direction::write);
    m.ios_total = acc.at(Metric::io_length, Direction::total).empty() ? m.ios_read + m.ios_write
                                                                      : ios(acc, Direction::total);
    const double secs = seconds > 0 ? seconds : kNaN;
    for (auto d : kDirections) {
        const auto& len = acc.at(Metric::io_length, d);
        const auto n = d == Direction::total ? m.ios_total : len.count();
        m.iops[d] = static_cast<double>(n) / secs;
        // Throughput from count x mean of each histogram: buckets are too coarse.
        const double bytes = len.empty() && d == Direction::total
                                 ? acc.at(Metric::io_length, Direction::read).value_sum() +
                                       acc.at(Metric::io_length, Direction::write).value_sum()
                                 : len.value_sum();
        m.throughput_mbps[d] = bytes / secs / 1e6;
        m.mean_io_bytes[d] = n == 0 ? kNaN : bytes / static_cast<double>(n);
        m.min_io_bytes[d] = len.empty() ? kNaN : static_cast<double>(len.min());
        m.max_io_bytes[d] = len.empty() ? kNaN : static_cast<double>(len.max());
        const auto& seek = acc.at(Metric::seek_distance, d);
        std::uint64_t seek_total = 0;
        for (auto f : seek.frequencies()) seek_total += f;
        m.sequential_percent[d] = sequential(seek.frequency_of_bucket(0, 1), seek_total);
        m.interarrival_mean_us[d] = n < 2 ? kNaN : secs * 1e6 / static_cast<double>(n);
    }
    for (std::size_t slot = 0; slot < kSlotCount; ++slot)
        m.measured[slot] = acc.slots[slot].measured();
    const auto rw = m.ios_read + m.ios_write;
    m.read_percent =
        rw == 0 ? kNaN : 100.0 * static_cast<double>(m.ios_read) / static_cast<double>(rw);
    const auto& queue = acc.at(Metric::outstanding_ios, Direction::total);
    m.queue_depth = summarize(queue, method, 1.0);
    // vscsiStats truncates this small mean to an integer (3.82 prints as 3).
    m.queue_depth_mean_bounds = queue.integer_mean_bounds();
    if (!queue.empty()) m.queue_depth.mean = m.queue_depth_mean_bounds.mid();
    for (auto d : kDirections) {
        const auto& q = acc.at(Metric::outstanding_ios, d);
        if (!q.empty()) m.outstanding_mean[d] = q.integer_mean_bounds().mid();
    }
    m.latency_ms_total = summarize(acc.at(Metric::latency, Direction::total), method, 1e-3);
    m.latency_ms_read = summarize(acc.at(Metric::latency, Direction::read), method, 1e-3);
    m.latency_ms_write = summarize(acc.at(Metric::latency, Direction::write), method, 1e-3);
    m.histograms = std::move(summed);
    return m;
}

std::vector<BucketShare> WorkloadMetrics::distribution(Metric m, Direction d) const {
    const auto slot = slot_of(m, d);
    if (!slot) return {};
    if (set_shapes_ && (*set_shapes_)[*slot]) return *(*set_shapes_)[*slot];
    return histograms ? shares_of(histograms->slots[*slot]) : std::vector<BucketShare>{};
}

void WorkloadMetrics::set_distribution(Metric m, Direction d, std::vector<BucketShare> shares) {
    auto copy =
        set_shapes_ ? std::make_shared<SetShapes>(*set_shapes_) : std::make_shared<SetShapes>();
    (*copy)[*slot_of(m, d)] = std::move(shares);
    set_shapes_ = std::move(copy);
}

bool WorkloadMetrics::measured_metric(Metric metric) const {
    for (std::size_t s = 0; s < kSlotCount; ++s)
        if (measured[s] && slot_info(s).metric == metric) return true;
    return false;
}

std::vector<NotMeasured> WorkloadMetrics::not_measured() const {
    static constexpr std::array<std::pair<std::string_view, Metric>, 5> kFigures{{
        {"block_size_distribution", Metric::io_length},
        {"sequential_percent", Metric::seek_distance},
        {"queue_depth", Metric::outstanding_ios},
        {"latency_ms", Metric::latency},
        {"interarrival", Metric::interarrival},
    }};
    std::vector<NotMeasured> out;
    for (const auto& [key, metric] : kFigures) {
        if (measured_metric(metric)) continue;
        out.push_back({key, fmt::format("the data hold no '{}' histograms; the output was not "
                                        "`vscsiStats -p all`",
                                        slot_info(*slot_of(metric, Direction::total)).title)});
    }
    return out;
}

double WorkloadMetrics::percent_in(Metric m, Direction d,
                                   std::initializer_list<std::optional<std::int64_t>> highs) const {
    double p = 0;
    for (const auto& b : distribution(m, d))
        for (const auto& h : highs)
            if (b.high == h) p += b.percent;
    return p;
}

SampleFigures sample_figures(const DiskHistograms& d, double seconds) {
    SampleFigures f;
    for (auto dir : kDirections) {
        if (const auto* h = d.find(Metric::io_length, dir)) {
            f.iops[dir] = static_cast<double>(h->count) / seconds;
            f.throughput_mbps[dir] =
                static_cast<double>(h->count) * static_cast<double>(h->mean) / seconds / 1e6;
            f.mean_io_bytes[dir] = h->count ? static_cast<double>(h->mean) : kNaN;
        }
        if (const auto* h = d.find(Metric::latency, dir); h && h->count)
            f.latency_mean_ms[dir] = static_cast<double>(h->mean) / 1000.0;
        if (const auto* h = d.find(Metric::seek_distance, dir); h && h->count) {
            std::uint64_t seq = 0;
            for (std::size_t i = 1; i < h->limits.size(); ++i)
                if (h->limits[i - 1] == 0 && h->limits[i] == 1) seq = h->frequencies[i];
            f.sequential_percent[dir] = sequential(seq, h->frequency_sum());
        }
    }
    if (const auto* h = d.find(Metric::outstanding_ios, Direction::total); h && h->count) {
        // Like the profile: not the truncated integer mean, the middle of what it and the
        // buckets prove.
        HistogramAccumulator one;
        one.add(*h);
        f.outstanding_mean = one.integer_mean_bounds().mid();
    }
    return f;
}

double sample_total_iops(const VscsiStatsOutput& o, double seconds) {
    SampleIos ios;
    for (std::size_t i = 0; i < o.disks.size(); ++i) ios.add(o.disks[i], i);
    return seconds > 0 ? static_cast<double>(ios.total()) / seconds : 0.0;
}

void SampleIos::add(const DiskHistograms& run, std::size_t position) {
    if (position >= disks_.size()) disks_.resize(position + 1);
    auto& d = disks_[position];
    if (const auto* t = run.find(Metric::io_length, Direction::total)) {
        d.has_total = true;
        d.total = t->count;
    }
    for (auto dir : {Direction::read, Direction::write})
        if (const auto* h = run.find(Metric::io_length, dir)) d.read_write += h->count;
}

std::uint64_t SampleIos::total() const {
    std::uint64_t n = 0;
    for (const auto& d : disks_) n += d.has_total ? d.total : d.read_write;
    return n;
}

}  // namespace vscsi
