#include "sim/workload_model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "format/bucket_limits.hpp"

namespace vscsi {
namespace {

constexpr std::array<Direction, 3> kDirs{Direction::total, Direction::read, Direction::write};

std::vector<double> probs_from_cdf(std::span<const std::int64_t> limits, auto cdf) {
    std::vector<double> p(limits.size() + 1);
    double prev = 0;
    for (std::size_t i = 0; i < limits.size(); ++i) {
        const double c = cdf(static_cast<double>(limits[i]));
        p[i] = std::max(0.0, c - prev);
        prev = c;
    }
    p.back() = std::max(0.0, 1.0 - prev);
    return p;
}

std::size_t bucket_of(std::span<const std::int64_t> limits, std::int64_t v) {
    for (std::size_t i = 0; i < limits.size(); ++i)
        if (v <= limits[i]) return i;
    return limits.size();
}

Histogram make(std::span<const std::int64_t> limits, std::vector<std::uint64_t> freqs,
               double mean) {
    Histogram h;
    h.limits.assign(limits.begin(), limits.end());
    h.frequencies = std::move(freqs);
    h.count = h.frequency_sum();
    if (h.count == 0) return h;  // vscsiStats prints 0 for min, max and mean
    std::size_t first = 0, last = h.frequencies.size() - 1;
    while (h.frequencies[first] == 0) ++first;
    while (h.frequencies[last] == 0) --last;
    h.min = first == 0 ? std::min<std::int64_t>(limits[0], 1) : limits[first - 1] + 1;
    if (first == 0 && limits[0] < 0) h.min = limits[0] * 2;
    h.max = last < limits.size() ? limits[last] : limits.back() * 2;
    h.mean = std::clamp(static_cast<std::int64_t>(std::llround(mean)), h.min, h.max);
    return h;
}

void put(DiskHistograms& d, Metric m, Direction dir, Histogram h) {
    const auto s = *slot_of(m, dir);
    d.slots[s] = std::move(h);
    d.present[s] = true;
}

std::vector<std::uint64_t> sum(const std::vector<std::uint64_t>& a,
                               const std::vector<std::uint64_t>& b) {
    std::vector<std::uint64_t> r(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) r[i] = a[i] + b[i];
    return r;
}

double lognormal_cdf(double x, double mean, double sigma) {
    if (x <= 0) return 0;
    const double mu = std::log(mean) - sigma * sigma / 2;
    return 0.5 * std::erfc(-(std::log(x) - mu) / (sigma * std::sqrt(2.0)));
}

// Seek distances of the non-sequential IOs: mostly far away, some nearby.
std::vector<double> random_seek_weights(std::span<const std::int64_t> limits) {
    std::vector<double> w(limits.size() + 1, 0.0);
    for (std::size_t i = 0; i < limits.size(); ++i) {
        const auto l = limits[i];
        if (l == 1) continue;  // that is the sequential bucket
        const auto a = std::llabs(l);
        w[i] = a >= 100000 ? 6.0 : a >= 5000 ? 2.0 : a >= 128 ? 1.0 : 0.3;
    }
    w.front() = 12.0;  // <= -500000
    w.back() = 12.0;   // > 500000
    return w;
}

}  // namespace

std::vector<std::uint64_t> apportion(std::uint64_t n, const std::vector<double>& weights) {
    std::vector<std::uint64_t> out(weights.size(), 0);
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    if (n == 0 || total <= 0) return out;
    std::vector<std::pair<double, std::size_t>> rem;
    std::uint64_t given = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const double exact = static_cast<double>(n) * weights[i] / total;
        out[i] = static_cast<std::uint64_t>(std::floor(exact));
        given += out[i];
        rem.emplace_back(exact - std::floor(exact), i);
    }
    std::stable_sort(rem.begin(), rem.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; given < n; ++k, ++given) ++out[rem[k % rem.size()].second];
    return out;
}

DiskHistograms synthesize_interval(const WorkloadModel& m, const DiskId& disk, double seconds,
                                   std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(-1.0, 1.0);
    const double iops = std::max(0.0, m.iops * (1.0 + m.iops_jitter * unit(rng)));
    const auto n = static_cast<std::uint64_t>(std::llround(iops * seconds));
    const auto nr =
        static_cast<std::uint64_t>(std::llround(static_cast<double>(n) * m.read_fraction));
    const std::uint64_t nw = n - std::min(n, nr);

    DiskHistograms d;
    d.disk = disk;

    // IO lengths
    const auto len_limits = esxi_bucket_limits(Metric::io_length);
    auto lengths = [&](const std::vector<SizeWeight>& sizes, std::uint64_t count, double& mean) {
        std::vector<double> w(len_limits.size() + 1, 0.0);
        double wsum = 0, bytes = 0;
        for (const auto& s : sizes) {
            w[bucket_of(len_limits, s.bytes)] += s.weight;
            wsum += s.weight;
            bytes += s.weight * static_cast<double>(s.bytes);
        }
        mean = wsum > 0 ? bytes / wsum : 0;
        auto h = make(len_limits, apportion(count, w), mean);
        if (h.count) {  // exact sizes are known: report them as vscsiStats would
            std::int64_t lo = INT64_MAX, hi = 0;
            for (const auto& s : sizes)
                if (s.weight > 0) lo = std::min(lo, s.bytes), hi = std::max(hi, s.bytes);
            h.min = lo;
            h.max = hi;
        }
        return h;
    };
    double mean_r = 0, mean_w = 0;
    auto len_r = lengths(m.read_sizes, nr, mean_r);
    auto len_w = lengths(m.write_sizes, nw, mean_w);
    auto len_t = make(len_limits, sum(len_r.frequencies, len_w.frequencies),
                      n ? (static_cast<double>(nr) * mean_r + static_cast<double>(nw) * mean_w) /
                              static_cast<double>(n)
                        : 0);
    if (len_t.count) {
        len_t.min = std::min(nr ? len_r.min : INT64_MAX, nw ? len_w.min : INT64_MAX);
        len_t.max = std::max(len_r.max, len_w.max);
    }
    put(d, Metric::io_length, Direction::read, std::move(len_r));
    put(d, Metric::io_length, Direction::write, std::move(len_w));
    put(d, Metric::io_length, Direction::total, std::move(len_t));

    // Seek distances
    const auto seek_limits = esxi_bucket_limits(Metric::seek_distance);
    const auto seq_bucket = bucket_of(seek_limits, 1);
    const auto rnd = random_seek_weights(seek_limits);
    auto seeks = [&](std::uint64_t count, double seq_share) {
        const auto seq =
            static_cast<std::uint64_t>(std::llround(static_cast<double>(count) * seq_share));
        auto f = apportion(count - std::min(count, seq), rnd);
        f[seq_bucket] += seq;
        return f;
    };
    auto seek_r = seeks(nr, m.read_sequential);
    auto seek_w = seeks(nw, m.write_sequential);
    put(d, Metric::seek_distance, Direction::read, make(seek_limits, seek_r, 0));
    put(d, Metric::seek_distance, Direction::write, make(seek_limits, seek_w, 0));
    put(d, Metric::seek_distance, Direction::total, make(seek_limits, sum(seek_r, seek_w), 0));
    const double seq_total = n ? (static_cast<double>(nr) * m.read_sequential +
                                  static_cast<double>(nw) * m.write_sequential) /
                                     static_cast<double>(n)
                               : 0;
    put(d, Metric::seek_distance_closest16, Direction::total,
        make(seek_limits, seeks(n, std::min(1.0, seq_total * 1.2)), 0));

    // Latency
    const auto us_limits = esxi_bucket_limits(Metric::latency);
    auto latency = [&](std::uint64_t count, double mean) {
        auto p = probs_from_cdf(us_limits,
                                [&](double x) { return lognormal_cdf(x, mean, m.latency_sigma); });
        return make(us_limits, apportion(count, p), mean);
    };
    auto lat_r = latency(nr, m.read_latency_us);
    auto lat_w = latency(nw, m.write_latency_us);
    const double lat_mean = n ? (static_cast<double>(nr) * m.read_latency_us +
                                 static_cast<double>(nw) * m.write_latency_us) /
                                    static_cast<double>(n)
                              : 0;
    auto lat_t = make(us_limits, sum(lat_r.frequencies, lat_w.frequencies), lat_mean);
    put(d, Metric::latency, Direction::read, std::move(lat_r));
    put(d, Metric::latency, Direction::write, std::move(lat_w));
    put(d, Metric::latency, Direction::total, std::move(lat_t));

    // Outstanding IOs: 1 + Poisson(mean - 1)
    const auto oio_limits = esxi_bucket_limits(Metric::outstanding_ios);
    double lambda = std::max(0.0, m.outstanding_mean - 1);
    auto oio_cdf = [&](double x) {
        double c = 0, pmf = std::exp(-lambda);
        for (int k = 0; k + 1 <= static_cast<int>(x) && k < 400; ++k) {
            c += pmf;
            pmf *= lambda / (k + 1);
        }
        return c;
    };
    auto oio = [&](std::uint64_t count, double others) {
        lambda = others;
        return make(oio_limits, apportion(count, probs_from_cdf(oio_limits, oio_cdf)), 1 + others);
    };
    // vscsiStats' Read/Write histograms count the IOs of that direction in
    // flight when one of it is issued: the others thin out by direction in
    // proportion to what each keeps in flight (IOPS x latency, Little's law).
    const double in_flight_r = static_cast<double>(nr) * m.read_latency_us;
    const double in_flight_w = static_cast<double>(nw) * m.write_latency_us;
    const double share_r =
        in_flight_r + in_flight_w > 0 ? in_flight_r / (in_flight_r + in_flight_w) : 0;
    const double all_others = lambda;
    put(d, Metric::outstanding_ios, Direction::read, oio(nr, all_others * share_r));
    put(d, Metric::outstanding_ios, Direction::write, oio(nw, all_others * (1 - share_r)));
    put(d, Metric::outstanding_ios, Direction::total, oio(n, all_others));

    // Interarrival: exponential gaps at each direction's rate
    auto arrivals = [&](std::uint64_t count) {
        const double rate = static_cast<double>(count) / seconds;  // per second
        if (count == 0 || rate <= 0)
            return make(us_limits, std::vector<std::uint64_t>(us_limits.size() + 1, 0), 0);
        auto p = probs_from_cdf(us_limits, [&](double x) { return 1 - std::exp(-x * rate / 1e6); });
        return make(us_limits, apportion(count, p), 1e6 / rate);
    };
    put(d, Metric::interarrival, Direction::read, arrivals(nr));
    put(d, Metric::interarrival, Direction::write, arrivals(nw));
    put(d, Metric::interarrival, Direction::total, arrivals(n));
    return d;
}

}  // namespace vscsi
