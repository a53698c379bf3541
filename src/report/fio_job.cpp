#include "report/fio_job.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "analysis/job_comparison.hpp"
#include "analysis/seek_span.hpp"
#include "format/bucket_limits.hpp"
#include "vscsi_config.hpp"

namespace vscsi {

std::string_view to_string(RateMode m) {
    switch (m) {
        case RateMode::off:
            return "off";
        case RateMode::mean:
            return "mean";
        case RateMode::peak:
            return "peak";
    }
    return "?";
}

std::optional<RateMode> rate_mode_from_string(std::string_view s) {
    for (auto m : {RateMode::off, RateMode::mean, RateMode::peak})
        if (to_string(m) == s) return m;
    return std::nullopt;
}

namespace {

bool is_power_of_two(std::int64_t v) {
    return v > 0 && (v & (v - 1)) == 0;
}
std::int64_t round_up_512(double v) {
    return static_cast<std::int64_t>(std::ceil(v / 512.0)) * 512;
}

std::string bucket_text(const BucketShare& b) {
    if (!b.high) return fmt::format(">{}", b.low.value_or(0));
    if (!b.low) return fmt::format("<={}", *b.high);
    return fmt::format("({},{}]", *b.low, *b.high);
}

std::string pct(double v) {
    return std::isfinite(v) ? fmt::format("{:.1f}%", v) : "n/a";
}

std::string join_bssplit(const std::vector<BsEntry>& e) {
    std::string s;
    for (const auto& x : e) {
        if (!s.empty()) s += ':';
        s += fmt::format("{}/{}", fio_size_text(x.bytes), x.percent);
    }
    return s;
}

void check_bssplit(const std::vector<BsEntry>& e, std::string_view dir) {
    // fio barely validates bssplit (sums of 110 pass): check what we write.
    int sum = 0;
    for (const auto& x : e) {
        if (x.percent <= 0 || x.bytes <= 0 || x.bytes % 512 != 0)
            throw std::logic_error(
                fmt::format("bad {} bssplit entry {}/{}", dir, x.bytes, x.percent));
        sum += x.percent;
    }
    if (sum != 100) throw std::logic_error(fmt::format("{} bssplit adds up to {}", dir, sum));
}

std::string section_name(std::string_view id) {
    std::string s;
    for (char c : id)
        s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')
                 ? c
                 : '_';
    return s.empty() ? "vscsi" : s;
}

int whole(double v, int min) {
    return std::max(min, static_cast<int>(std::lround(v)));
}

}  // namespace

std::int64_t representative_io_size(const BucketShare& b, double max_observed) {
    if (!b.high) {  // overflow: nothing bigger than the largest IO seen
        const double floor = static_cast<double>(b.low.value_or(0)) + 512;
        return round_up_512(std::max(std::isfinite(max_observed) ? max_observed : floor, floor));
    }
    const auto hi = *b.high;
    if (b.low && is_power_of_two(hi + 1) && hi + 1 > *b.low + 1) {
        // 4095, 8191, 16383, 65535: the sizes between the aligned neighbours.
        const double mid = (static_cast<double>(*b.low) + static_cast<double>(hi)) / 2.0;
        return std::max<std::int64_t>(512,
                                      static_cast<std::int64_t>(std::llround(mid / 512.0)) * 512);
    }
    return std::max<std::int64_t>(512, round_up_512(static_cast<double>(hi)));
}

double bssplit_mean(const std::vector<BsEntry>& e) {
    double sum = 0;
    for (const auto& x : e) sum += static_cast<double>(x.bytes) * x.percent;
    return sum / 100.0;
}

namespace {

std::int64_t round_down_512(double v) {
    return static_cast<std::int64_t>(std::floor(v / 512.0)) * 512;
}

// One bucket's entry: its share and the sizes it may stand for.
struct SizeSlot {
    BsEntry e;
    double exact = 0;                      // percent, before rounding
    std::int64_t lowest = 0, highest = 0;  // multiples of 512 inside the bucket and [min, max]
};

SizeSlot slot_for(const BucketShare& b, const MeasuredSizes& m, double total) {
    SizeSlot s;
    s.e = {representative_io_size(b, m.max), 0, bucket_text(b)};
    s.exact = b.percent * 100.0 / total;
    // The sizes the bucket holds: (low, high], the overflow up to the largest IO.
    const double low = static_cast<double>(b.low.value_or(0)) + 1;
    const double high =
        b.high ? static_cast<double>(*b.high) : (std::isfinite(m.max) ? m.max : low + 511);
    auto lowest = std::max<std::int64_t>(512, round_up_512(low));
    auto highest = round_down_512(high);
    if (std::isfinite(m.min)) lowest = std::max(lowest, round_up_512(m.min));
    if (std::isfinite(m.max)) highest = std::min(highest, round_down_512(m.max));
    if (lowest > highest) {  // no 512 multiple fits both: keep the first choice
        lowest = highest = s.e.bytes;
    }
    s.lowest = lowest;
    s.highest = highest;
    s.e.bytes = std::clamp(s.e.bytes, lowest, highest);
    return s;
}

// Moves sizes inside their buckets, `grain` bytes at a time, until the
// split's mean is within `tolerance` of the measured mean or no move helps:
// each step takes the move that brings the byte total closest to the target,
// so it ends. A size that is a multiple of `grain` stays one.
void match_mean(std::vector<SizeSlot>& slots, double mean, std::int64_t grain, double tolerance) {
    double gap = mean * 100;
    for (const auto& s : slots) gap -= static_cast<double>(s.e.bytes) * s.e.percent;
    for (int guard = 0; guard < 100000 && std::abs(gap) > tolerance * mean * 100; ++guard) {
        SizeSlot* best = nullptr;
        std::int64_t best_step = 0;
        double best_gap = std::abs(gap);
        for (auto& s : slots) {
            if (s.e.percent == 0 || s.e.bytes % grain != 0) continue;
            const auto lowest = (s.lowest + grain - 1) / grain * grain;
            const auto highest = s.highest / grain * grain;
            if (lowest >= highest) continue;
            const double want = gap / s.e.percent;
            auto step =
                static_cast<std::int64_t>(std::llround(want / static_cast<double>(grain))) * grain;
            if (step == 0) step = want > 0 ? grain : -grain;
            step = std::clamp(step, lowest - s.e.bytes, highest - s.e.bytes);
            const double after = std::abs(gap - static_cast<double>(step) * s.e.percent);
            if (step != 0 && after < best_gap) {
                best = &s;
                best_step = step;
                best_gap = after;
            }
        }
        if (!best) return;
        best->e.bytes += best_step;
        gap -= static_cast<double>(best_step) * best->e.percent;
    }
}

}  // namespace

std::vector<BsEntry> build_bssplit(const std::vector<BucketShare>& shares,
                                   const MeasuredSizes& measured, std::vector<std::string>& dropped,
                                   std::string& mean_note) {
    double total = 0;
    for (const auto& b : shares) total += b.percent;
    if (total <= 0) return {};
    std::vector<SizeSlot> c;
    for (const auto& b : shares) c.push_back(slot_for(b, measured, total));
    int assigned = 0;
    for (auto& x : c) {
        x.e.percent = static_cast<int>(std::floor(x.exact));
        assigned += x.e.percent;
    }
    std::vector<std::size_t> order(c.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return (c[a].exact - std::floor(c[a].exact)) > (c[b].exact - std::floor(c[b].exact));
    });
    for (std::size_t i = 0; assigned < 100 && i < order.size(); ++i, ++assigned)
        ++c[order[i]].e.percent;
    for (const auto& x : c)
        if (x.e.percent == 0)
            dropped.push_back(fmt::format("{} {:.2f}%", fio_size_text(x.e.bytes), x.exact));
    std::erase_if(c, [](const SizeSlot& x) { return x.e.percent == 0; });
    if (std::isfinite(measured.mean) && measured.mean > 0) {
        // Whole 4 KiB sizes where they reach the mean, 512-byte steps where not.
        match_mean(c, measured.mean, 4096, 0.005);
        match_mean(c, measured.mean, 512, 0.005);
    }

    // Two buckets may end at one size: one entry.
    std::vector<BsEntry> out;
    for (const auto& x : c) {
        auto it = std::find_if(out.begin(), out.end(),
                               [&](const BsEntry& e) { return e.bytes == x.e.bytes; });
        if (it == out.end()) {
            out.push_back(x.e);
        } else {
            it->percent += x.e.percent;
            it->bucket += " " + x.e.bucket;
        }
    }
    std::sort(out.begin(), out.end(),
              [](const BsEntry& a, const BsEntry& b) { return a.bytes < b.bytes; });
    if (std::isfinite(measured.mean) && measured.mean > 0) {
        const double miss = bssplit_mean(out) / measured.mean - 1;
        if (std::abs(miss) > 0.01)
            mean_note = fmt::format(
                "the buckets cannot hold the measured mean: every size already at its bucket's "
                "{} end, the split's mean is {:+.1f}% off",
                miss < 0 ? "upper" : "lower", miss * 100);
    }
    return out;
}

ArrivalShape arrival_shape(const WorkloadMetrics& m, Direction d) {
    ArrivalShape a;
    const auto& measured = m.distribution(Metric::interarrival, d);
    const double mu = m.interarrival_mean_us[d];
    if (measured.empty() || !(mu > 0)) return a;
    // The bucket shares exponential gaps with the same mean would have.
    std::vector<BucketShare> poisson;
    const auto limits = esxi_bucket_limits(Metric::interarrival);
    double below = 0;
    for (std::size_t i = 0; i <= limits.size(); ++i) {
        const double cdf =
            i < limits.size() ? 1 - std::exp(-static_cast<double>(limits[i]) / mu) : 1.0;
        BucketShare b;
        b.key = i < limits.size() ? std::to_string(limits[i]) : ">" + std::to_string(limits.back());
        b.percent = 100 * (cdf - below);
        below = cdf;
        poisson.push_back(std::move(b));
    }
    a.poisson_distance = total_variation_distance(measured, poisson);
    for (const auto& b : measured)
        if (b.high) a.modal_percent = std::max(a.modal_percent, b.percent);
    return a;
}

BurstPlan burst_plan(double mean_outstanding, double iops, double mean_latency_ms,
                     bool rate_limited) {
    BurstPlan b;
    if (!rate_limited || !std::isfinite(mean_outstanding) || mean_outstanding < 1.5 || !(iops > 0))
        return b;
    // An arriving IO finds on average the time-average queue (Poisson arrivals
    // see time averages) plus itself. Within 1.5x of that, latency explains the
    // queue: measured flat out at 16 in flight, bursts halved the replayed IOPS.
    if (std::isfinite(mean_latency_ms) && mean_latency_ms > 0) {
        b.little_queue = iops * mean_latency_ms / 1000.0;
        if (mean_outstanding <= 1.5 * (b.little_queue + 1)) return b;
    }
    // IO k of a burst finds k in flight (itself included): the mean over a burst of n is (1+n)/2.
    b.size = std::clamp(static_cast<int>(std::lround(2 * mean_outstanding - 1)), 2, 256);
    // Think less than a burst period so that fio's rate limiter, not the think
    // time, sets the average: with the full period the bursts' own duration
    // made the run 5% slow (measured 1593 vs 1675 read IOPS); at 90% it held the
    // rate within 1% on a quiet machine. On a machine whose cores are busy
    // (a build beside it) late wake-ups cost up to 15% of a 2400-IOPS replay;
    // thinking 75% of the period held that rate there but let the rate limiter
    // break the bursts up (outstanding 6.9 for 8.5), so 90% stays.
    b.period_us =
        std::max<std::int64_t>(1, std::llround(kBurstThinkFraction * b.size / iops * 1e6));
    return b;
}

int queue_iodepth(double mean, const std::vector<BucketShare>& outstanding, bool rate_limited) {
    if (!std::isfinite(mean)) return 1;
    int depth = whole(mean, 1);
    if (!rate_limited || mean < 1.05) return depth;
    double below = 0;
    for (const auto& b : outstanding) {
        below += b.percent;
        if (below >= 99) {
            const auto cap = b.high ? *b.high : b.low.value_or(depth) + 1;
            return std::clamp(static_cast<int>(cap), depth, 256);
        }
    }
    return depth;
}

std::string fio_size_text(std::int64_t bytes) {
    if (bytes % (1024 * 1024) == 0) return fmt::format("{}m", bytes / (1024 * 1024));
    if (bytes % 1024 == 0) return fmt::format("{}k", bytes / 1024);
    return fmt::format("{}", bytes);
}

namespace {

// Whole rwmixread and rate_iops are too coarse for a minor direction: 0.5%
// reads become 1% (2x), 0.07 read IOPS become 1 (15x). And one section has
// one queue and one sequential share for both directions' streams.
void decide_split(FioJobSpec& j, double read_iops, double write_iops) {
    if (!j.read.present || !j.write.present || !std::isfinite(j.read_percent)) return;
    const double read_pct = j.read_percent;
    const bool minor_is_read = read_pct <= 50;
    const double minor = minor_is_read ? read_pct : 100 - read_pct;
    const double mix_miss = std::abs(j.rwmixread - read_pct);
    const double minor_iops = minor_is_read ? read_iops : write_iops;
    std::string reason;
    bool flow = true;
    if (mix_miss > kMaxMixMissPoints && mix_miss > kMaxMinorMiss * minor)
        reason = fmt::format("a whole rwmixread={} would make the {:.2f}% {} {}%", j.rwmixread,
                             minor, minor_is_read ? "reads" : "writes",
                             minor_is_read ? j.rwmixread : 100 - j.rwmixread);
    else if (j.params.rate != RateMode::off &&
             std::abs(whole(minor_iops, 1) - minor_iops) > kMaxMinorMiss * minor_iops)
        reason = fmt::format("a whole rate_iops={} would replay {:.3f} {} IOPS {:.1f}x",
                             whole(minor_iops, 1), minor_iops, minor_is_read ? "read" : "write",
                             whole(minor_iops, 1) / minor_iops);
    if (reason.empty() && std::min(j.ios_read, j.ios_write) >= kMinStreamIos) {
        const double sr = j.read.sequential_percent, sw = j.write.sequential_percent;
        const double qr = j.read.outstanding_mean, qw = j.write.outstanding_mean;
        const bool seq_apart =
            std::isfinite(sr) && std::isfinite(sw) && std::abs(sr - sw) >= kStreamSequentialPoints;
        // One mixed stream with Q in flight shows each direction its share of
        // the others (1 + (Q - 1) x share, shares by IOPS x latency): per
        // direction means far from that are streams with queues of their own.
        const double q = j.queue.mean;
        const double in_r = read_iops * j.read_latency_ms, in_w = write_iops * j.write_latency_ms;
        bool queues_apart = false;
        if (std::isfinite(qr) && std::isfinite(qw) && std::isfinite(q) && in_r + in_w > 0) {
            const double share_r = in_r / (in_r + in_w);
            const double er = 1 + (q - 1) * share_r, ew = 1 + (q - 1) * (1 - share_r);
            auto apart = [](double measured, double mixed) {
                return std::abs(measured - mixed) > std::max(0.25, kStreamQueueMiss * mixed);
            };
            queues_apart = apart(qr, er) || apart(qw, ew);
        } else if (std::isfinite(qr) && std::isfinite(qw)) {
            queues_apart = std::max(qr, qw) >= 1.5 * std::min(qr, qw) && std::abs(qr - qw) >= 1;
        }
        if (seq_apart || queues_apart)
            reason = fmt::format(
                "reads and writes behave as separate streams (sequential {} vs {}, outstanding "
                "{:.2f} vs {:.2f}): each runs as its own job with its own queue",
                pct(sr), pct(sw), qr, qw);
        flow = j.params.rate == RateMode::off;  // flat out: only flow keeps the read share
    }
    if (reason.empty()) return;
    j.split.on = true;
    j.split.flow = flow;
    j.split.minor_is_read = minor_is_read;
    j.split.reason = std::move(reason);
    const int minor_weight = std::clamp(static_cast<int>(std::lround(minor * 10)), 1, 999);
    j.split.read_weight = minor_is_read ? minor_weight : 1000 - minor_weight;
    j.split.write_weight = 1000 - j.split.read_weight;
}

// fio's plain sizes: digits and a binary unit (fio's default kb_base=1024).
std::optional<std::int64_t> parse_fio_size(const std::string& text) {
    std::size_t i = 0;
    std::int64_t v = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) &&
           v < (std::int64_t{1} << 50))
        v = v * 10 + (text[i++] - '0');
    if (i == 0) return std::nullopt;
    std::string unit = text.substr(i);
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (unit.ends_with("ib")) unit.erase(unit.size() - 2);
    if (unit.ends_with("b") || unit.ends_with("i")) unit.pop_back();
    const std::string units = "kmgtp";
    if (unit.empty()) return v;
    if (unit.size() != 1 || units.find(unit[0]) == std::string::npos) return std::nullopt;
    return v << (10 * (units.find(unit[0]) + 1));
}

// The size random offsets must span for the measured seek distances.
void decide_size(FioJobSpec& j, const WorkloadMetrics& m) {
    const bool given = !j.params.size.empty();
    double span = kNaN, distance = kNaN;
    std::string from;
    for (auto [dir, d, name] : {std::tuple{Direction::read, &j.read, "reads"},
                                std::tuple{Direction::write, &j.write, "writes"}}) {
        if (!d->present || d->percentage_random == 0) continue;
        const auto fit =
            fit_seek_span(m.distribution(Metric::seek_distance, dir), d->sequential_percent);
        if (!std::isfinite(fit.span_lbns) || (std::isfinite(span) && fit.span_lbns <= span))
            continue;
        span = fit.span_lbns;
        distance = fit.distance;
        from = name;
    }
    if (given) {
        j.size_note =
            std::isfinite(span)
                ? fmt::format(
                      "as given (random {} land as if spread over {})", from,
                      fio_size_text(static_cast<std::int64_t>(std::ceil(span * 512 / (1 << 20)))
                                    << 20))
                : "as given";
        const auto given_bytes = parse_fio_size(j.params.size);
        const bool close =
            given_bytes &&
            std::abs(std::log(static_cast<double>(*given_bytes) / (span * 512))) <= std::log(1.25);
        if (std::isfinite(span) && !close)
            j.seek_span_missed = fmt::format(
                "the size was given (--size {}); random {} land as if spread over {}",
                j.params.size, from,
                fio_size_text(static_cast<std::int64_t>(std::ceil(span * 512 / (1 << 20))) << 20));
        return;
    }
    if (!std::isfinite(span)) {
        j.params.size = fio_size_text(kDefaultSize);
        j.size_note =
            "too few random seeks measured to tell the span they cover: a parameter "
            "(--size)";
        return;
    }
    const auto mib = std::int64_t{1} << 20;
    const auto bytes = static_cast<std::int64_t>(std::ceil(span * 512 / mib)) * mib;
    const auto size =
        std::clamp(bytes, kMinDerivedSize, std::max(kMinDerivedSize, j.params.max_derived_size));
    j.params.size = fio_size_text(size);
    if (size != bytes)
        j.seek_span_missed =
            fmt::format("random {} land as if spread over {} but the run's size is {} ({})", from,
                        fio_size_text(bytes), fio_size_text(size),
                        size < bytes ? "--size to allow it, on a target that large"
                                     : "the smallest size written");
    j.size_note = fmt::format(
        "random {} land as if spread uniformly over {} ({:.0f} LBNs; TVD {:.3f} from that model in "
        "'distance between successive commands'{}){}",
        from, fio_size_text(bytes), span, distance,
        distance > kSeekModelFit ? ": not uniform (hot spots, several regions), so no file size "
                                   "reproduces these seek distances closely"
                                 : "",
        size < bytes   ? fmt::format(": capped at {}, so the longest seeks come out shorter "
                                       "(--size to choose)",
                                     fio_size_text(size))
        : size > bytes ? fmt::format(": at least {}", fio_size_text(size))
                       : std::string());
}

}  // namespace

Result<FioJobSpec> derive_fio_job(const FioSource& src, const FioParams& p) {
    const auto& m = *src.metrics;
    const auto& a = *src.analysis;
    if (m.idle())
        return Error{ErrorKind::usage,
                     "no I/O in the analyzed samples: there is no workload to reproduce",
                     "try --filter none, or check the job's samples"};
    FioJobSpec j;
    j.read.present = m.ios_read > 0;
    j.write.present = m.ios_write > 0;
    if (!j.read.present && !j.write.present)
        return Error{ErrorKind::bad_data,
                     "the samples have IOs but no Read/Write IO-length histograms", ""};
    j.job_id = src.job_id;
    j.scope = src.scope;
    j.section = section_name(src.job_id);
    j.analyzed_at = a.analyzed_at;
    j.samples_analyzed = a.samples_analyzed;
    j.samples_total = a.samples_total;
    j.filter_explanation = a.filter.explanation;
    j.iops_total = m.iops.total;
    j.iops_read = m.iops.read;
    j.iops_write = m.iops.write;
    j.mbps = m.throughput_mbps.total;
    j.seconds = m.seconds;
    j.ios_read = m.ios_read;
    j.ios_write = m.ios_write;
    j.read_percent = m.read_percent;
    j.params = p;
    if (j.read.present && j.write.present)
        j.rwmixread = std::clamp(static_cast<int>(std::lround(m.read_percent)), 1, 99);

    auto sizes = [&](FioDirection& d, Direction dir, double max_bytes, double mean_bytes,
                     double seq, std::string_view name) {
        if (!d.present) return;
        d.bssplit = build_bssplit(m.sizes(dir), {m.min_io_bytes[dir], max_bytes, mean_bytes},
                                  d.dropped, d.mean_note);
        check_bssplit(d.bssplit, name);
        d.measured_mean_bytes = mean_bytes;
        d.sequential_percent = seq;
        d.percentage_random = std::isfinite(seq) ? std::clamp(100 - whole(seq, 0), 0, 100) : 100;
    };
    sizes(j.read, Direction::read, m.max_io_bytes.read, m.mean_io_bytes.read,
          m.sequential_percent.read, "read");
    sizes(j.write, Direction::write, m.max_io_bytes.write, m.mean_io_bytes.write,
          m.sequential_percent.write, "write");
    // fio rounds each direction's sizes down to a multiple of that direction's
    // smallest size (when it is a power of two) unless told otherwise.
    for (const auto& [name, d] : {std::pair{"read", &j.read}, std::pair{"write", &j.write}}) {
        if (d->bssplit.empty() || !j.unaligned.empty()) continue;
        const auto smallest = d->bssplit.front().bytes;  // sorted ascending
        for (const auto& e : d->bssplit)
            if (e.bytes % smallest != 0) {
                j.unaligned = fmt::format("{} {} is not a multiple of {}", name,
                                          fio_size_text(e.bytes), fio_size_text(smallest));
                break;
            }
    }

    j.queue = m.queue_depth;
    j.queue_mean_bounds = m.queue_depth_mean_bounds;
    for (const auto& n : m.not_measured()) {
        if (n.key == "sequential_percent")
            j.assumptions.push_back("percentage_random=100 (all random): " + n.reason);
        else if (n.key == "queue_depth")
            j.assumptions.push_back("iodepth=1: " + n.reason);
        else if (n.key == "interarrival" && p.rate != RateMode::off)
            j.assumptions.push_back("rate_process=poisson (random arrivals): " + n.reason);
    }
    j.percentile_method = m.percentile_method;
    double r = m.iops.read, w = m.iops.write;
    if (p.rate == RateMode::peak) {
        j.peak = a.peak;
        r = a.peak.iops_read;
        w = a.peak.iops_write;
    }
    const bool limited = p.rate != RateMode::off;
    for (auto [dir, d, iops, lat] :
         {std::tuple{Direction::read, &j.read, r, m.latency_ms_read.mean},
          std::tuple{Direction::write, &j.write, w, m.latency_ms_write.mean}}) {
        if (!d->present) continue;
        d->outstanding_mean = m.outstanding_mean[dir];
        d->bursts = burst_plan(d->outstanding_mean, iops, lat, limited);
        d->iodepth = d->bursts.size > 1
                         ? d->bursts.size
                         : queue_iodepth(d->outstanding_mean,
                                         m.distribution(Metric::outstanding_ios, dir), limited);
    }
    j.read_latency_ms = m.latency_ms_read.mean;
    j.write_latency_ms = m.latency_ms_write.mean;
    decide_split(j, r, w);
    decide_size(j, m);
    j.bursts = burst_plan(j.queue.mean, (j.read.present ? r : 0) + (j.write.present ? w : 0),
                          m.latency_ms_total.mean, limited);
    j.iodepth =
        j.bursts.size > 1
            ? j.bursts.size
            : queue_iodepth(j.queue.mean, m.distribution(Metric::outstanding_ios, Direction::total),
                            limited);
    if (!limited) return j;

    // With IOs overlapping (a queue), arrivals follow completions rather
    // than a clock: linear pacing there dissolved the queue (measured: 16
    // outstanding flat out replayed as 9.4; Poisson kept 15.6). Evenly
    // spaced arrivals (a paced stream: backup, replication, media) keep
    // their pacing, Poisson would scatter them: two paced directions
    // interleaved look random together, so each direction is judged too
    // (measured: paced 1200 + 800 IOPS replayed with Poisson made reads
    // find reads in flight 15% of the time instead of 0.4%).
    // Linear pacing converts rate_iops to bytes with the smallest size, so
    // with mixed sizes the rate is given in bytes (IOPS x mean size).
    auto pacing = [](const ArrivalShape& shape, const BurstPlan& b, double queue) {
        const bool overlapping = std::isfinite(queue) && queue >= 1.5;
        return b.size == 1 && !overlapping && shape.steady() ? RateProcess::linear
                                                             : RateProcess::poisson;
    };
    j.arrivals = arrival_shape(m);
    bool every_direction_paced = true;
    for (auto [dir, d] :
         {std::pair{Direction::read, &j.read}, std::pair{Direction::write, &j.write}}) {
        if (!d->present) continue;
        d->arrivals = arrival_shape(m, dir);
        d->rate_process = pacing(d->arrivals, d->bursts, d->outstanding_mean);
        d->rate_in_bytes = d->rate_process == RateProcess::linear && d->bssplit.size() > 1;
        every_direction_paced = every_direction_paced && d->arrivals.steady();
    }
    j.rate_process = pacing(j.arrivals, j.bursts, j.queue.mean);
    if (j.rate_process == RateProcess::poisson && every_direction_paced && j.bursts.size == 1 &&
        !(std::isfinite(j.queue.mean) && j.queue.mean >= 1.5)) {
        j.rate_process = RateProcess::linear;
        j.arrivals_per_direction = true;
    }
    j.rate_in_bytes = j.rate_process == RateProcess::linear &&
                      (j.read.bssplit.size() > 1 || j.write.bssplit.size() > 1);
    for (auto [d, iops] : {std::pair{&j.read, r}, std::pair{&j.write, w}}) {
        if (!d->present) continue;
        d->rate_iops = whole(iops, 1);
        d->rate_bytes = std::max<std::int64_t>(1, std::llround(iops * bssplit_mean(d->bssplit)));
    }
    return j;
}

namespace {

// Which directions a job section issues: both (one section with rwmixread),
// or one of them (reads and writes as two sections sharing a flow).
enum class Part { both, read, write };

void render_section(std::string& o, const FioJobSpec& j, Part part, int job_number) {
    const auto& p = j.params;
    const bool reads = j.read.present && part != Part::write;
    const bool writes = j.write.present && part != Part::read;
    // The minor direction of a flow follows the other's rate by its weight.
    const bool minor =
        part != Part::both && j.split.flow && ((part == Part::read) == j.split.minor_is_read);
    // "a,b" with both directions, one value with one.
    auto per_direction = [&](auto read_value, auto write_value) {
        if (reads && writes) return fmt::format("{},{}", read_value, write_value);
        return reads ? fmt::format("{}", read_value) : fmt::format("{}", write_value);
    };
    auto out = std::back_inserter(o);
    if (part == Part::both) {
        fmt::format_to(out, "[{}]\n", j.section);
        fmt::format_to(out,
                       "# read share: {} reads, {} writes = {} reads ('IO lengths of Read/Write "
                       "commands' counts)\n",
                       j.ios_read, j.ios_write, pct(j.read_percent));
    } else {
        fmt::format_to(out, "[{}-{}]\n", j.section, part == Part::read ? "reads" : "writes");
    }
    if (reads && writes)
        fmt::format_to(out, "rw=randrw\nrwmixread={}\n", j.rwmixread);
    else
        fmt::format_to(out, "rw={}\n", reads ? "randread" : "randwrite");
    if (part != Part::both && j.split.flow)
        fmt::format_to(out, "flow={}\n",
                       part == Part::read ? j.split.read_weight : j.split.write_weight);
    auto describe = [&](std::string_view dir, const FioDirection& d) {
        std::string line;
        for (const auto& e : d.bssplit)
            line += fmt::format(" {}={}% {};", fio_size_text(e.bytes), e.percent, e.bucket);
        fmt::format_to(out, "# {} sizes per vscsiStats bucket:{}\n", dir, line);
        fmt::format_to(out,
                       "#   mean IO size measured {:.0f} B, this split {:.0f} B (sizes moved "
                       "inside their buckets to match){}\n",
                       d.measured_mean_bytes, bssplit_mean(d.bssplit),
                       d.mean_note.empty() ? "" : ": " + d.mean_note);
        if (!d.dropped.empty()) {
            std::string text;
            for (const auto& x : d.dropped) text += " " + x;
            fmt::format_to(out, "#   dropped (share rounds to 0%):{}\n", text);
        }
    };
    if (reads) describe("read", j.read);
    if (writes) describe("write", j.write);
    fmt::format_to(out, "bssplit={}\n",
                   per_direction(join_bssplit(j.read.bssplit), join_bssplit(j.write.bssplit)));
    if (!j.unaligned.empty())
        fmt::format_to(out, "# {}: keep sizes exact instead of rounding down\nbs_unaligned=1\n",
                       j.unaligned);
    if (reads && writes)
        fmt::format_to(
            out,
            "# sequential share (seek distance exactly +1 LBN in 'distance between successive "
            "Read/Write commands'): read {}, write {}\n",
            pct(j.read.sequential_percent), pct(j.write.sequential_percent));
    else
        fmt::format_to(out,
                       "# sequential share (seek distance exactly +1 LBN in 'distance between "
                       "successive {} commands'): {}\n",
                       reads ? "Read" : "Write",
                       pct(reads ? j.read.sequential_percent : j.write.sequential_percent));
    fmt::format_to(out, "percentage_random={}\n",
                   per_direction(j.read.percentage_random, j.write.percentage_random));
    // The queue: bursts when a rate-limited replay would not build it.
    auto queue = [&](double mean, const BurstPlan& bursts, int iodepth) {
        if (bursts.size > 1) {
            // At a replayed rate a faster device completes each IO before the
            // next arrives and the queue never builds: issue IOs in bursts
            // instead, so that each one finds as many in flight as on the
            // measured disk (measured on a 2392-IOPS profile with 8
            // outstanding: steady pacing re-measured 1.0 outstanding, bursts
            // 7.3 at the same IOPS +-1%).
            fmt::format_to(
                out,
                "# replayed at the measured rate, a steady stream would keep ~1 IO in flight on "
                "a fast device;\n#   the measured {0:.1f} outstanding is more than the disk's "
                "latency explains ({1:.1f} = IOPS x mean latency):\n#   bursts of {2} IOs (mean "
                "outstanding (1+{2})/2 = {3:.1f}) every {4} us\niodepth={2}\nthinktime={4}\n"
                "thinktime_blocks={2}\nthinktime_blocks_type=issue\n",
                mean, bursts.little_queue, bursts.size, (1.0 + bursts.size) / 2, bursts.period_us);
            return;
        }
        if (p.rate != RateMode::off && iodepth > whole(mean, 1))
            fmt::format_to(out,
                           "# the disk's latency explains the queue: iodepth is a cap at the "
                           "99th percentile, the replayed arrivals build the queue\n");
        fmt::format_to(out, "iodepth={}\n", iodepth);
    };
    const FioDirection* own = part == Part::read    ? &j.read
                              : part == Part::write ? &j.write
                                                    : nullptr;
    if (own && std::isfinite(own->outstanding_mean)) {
        const auto* name = part == Part::read ? "Read" : "Write";
        fmt::format_to(out,
                       "# outstanding {0} IOs when a new {0} IO is issued: mean {1:.2f} (its "
                       "own queue)\n",
                       name, own->outstanding_mean);
        queue(own->outstanding_mean, own->bursts, own->iodepth);
    } else if (minor) {
        fmt::format_to(out,
                       "# the minor direction: one IO at a time, the other section keeps the "
                       "queue\niodepth=1\n");
    } else {
        const auto& q = j.queue;
        fmt::format_to(out,
                       "# outstanding IOs when a new IO is issued: mean {:.2f} (the buckets and "
                       "the integer mean prove {:.2f}-{:.2f}; p50 {:.1f}, p95 {:.1f}, p99 {:.1f}, "
                       "{})\n",
                       q.mean, j.queue_mean_bounds.low, j.queue_mean_bounds.high, q.p50, q.p95,
                       q.p99, to_string(j.percentile_method));
        queue(q.mean, j.bursts, j.iodepth);
    }
    if (p.rate != RateMode::off) {
        if (minor) {
            fmt::format_to(out,
                           "# no rate of its own: {:.3f} IOPS measured, kept at its share of "
                           "the IOs by flow (fio rates are whole IOPS)\n",
                           part == Part::read ? j.iops_read : j.iops_write);
        } else {
            if (p.rate == RateMode::peak)
                fmt::format_to(out, "# rate: busiest analyzed sample #{} starting {}\n", j.peak.seq,
                               format_iso8601(j.peak.start));
            else
                fmt::format_to(out, "# rate: mean of the analyzed samples\n");
            const auto process = own ? own->rate_process : j.rate_process;
            const auto& arrivals = own ? own->arrivals : j.arrivals;
            const bool in_bytes = own ? own->rate_in_bytes : j.rate_in_bytes;
            if (process == RateProcess::linear) {
                if (!own && j.arrivals_per_direction)
                    fmt::format_to(out,
                                   "# each direction's arrivals are paced (interarrival times "
                                   "{:.2f} and {:.2f} (TVD) from Poisson gaps), their mix looks "
                                   "random: linear pacing per direction\n",
                                   j.read.arrivals.poisson_distance,
                                   j.write.arrivals.poisson_distance);
                else
                    fmt::format_to(out,
                                   "# arrivals are paced, not random: interarrival times {:.2f} "
                                   "(TVD) from Poisson gaps of the same mean, {:.0f}% in one "
                                   "bucket: linear pacing\n",
                                   arrivals.poisson_distance, arrivals.modal_percent);
                if (in_bytes)
                    fmt::format_to(out,
                                   "# rate in bytes/s = IOPS x mean size of the bssplit (mixed "
                                   "sizes)\nrate={}\n",
                                   per_direction(j.read.rate_bytes, j.write.rate_bytes));
                else
                    fmt::format_to(out, "rate_iops={}\n",
                                   per_direction(j.read.rate_iops, j.write.rate_iops));
                fmt::format_to(out, "rate_process=linear\n");
            } else {
                if (std::isfinite(arrivals.poisson_distance))
                    fmt::format_to(out,
                                   "# arrivals: interarrival times {:.2f} (TVD) from Poisson gaps "
                                   "of the same mean\n",
                                   arrivals.poisson_distance);
                fmt::format_to(out, "rate_iops={}\n",
                               per_direction(j.read.rate_iops, j.write.rate_iops));
                fmt::format_to(out, "rate_process=poisson\n");
            }
        }
    }
    if (!p.log_prefix.empty()) {
        if (part == Part::both)
            fmt::format_to(out, "write_iolog={}.iolog\n", p.log_prefix);
        else  // fio cannot share one iolog between jobs
            fmt::format_to(out, "write_iolog={}.{}.iolog\n", p.log_prefix, job_number);
    }
    fmt::format_to(out, "\n");
}

}  // namespace

std::string render_fio_job(const FioJobSpec& j) {
    const auto& p = j.params;
    std::string o;
    auto out = std::back_inserter(o);
    fmt::format_to(out, "# fio job generated by vscsi {} from vscsiStats histograms\n",
                   VSCSI_VERSION);
    fmt::format_to(out, "# job: {} ({}), analyzed {}\n", j.job_id, j.scope,
                   format_iso8601(j.analyzed_at));
    fmt::format_to(out, "# samples: {} of {} analyzed; {}\n", j.samples_analyzed, j.samples_total,
                   j.filter_explanation);
    fmt::format_to(
        out, "# measured: {:.1f} IOPS (read {:.1f} / write {:.1f}), {:.3f} MB/s over {:.0f} s\n",
        j.iops_total, j.iops_read, j.iops_write, j.mbps, j.seconds);
    fmt::format_to(out,
                   "# target and runtime are parameters (vscsi analyze --target --runtime), "
                   "not measurements; size is where random IOs land (see below) unless --size "
                   "sets it.\n");
    for (const auto& a : j.assumptions) fmt::format_to(out, "# ASSUMED, not measured: {}\n", a);
    fmt::format_to(out, "\n");

    fmt::format_to(out, "[global]\n");
    if (!j.size_note.empty()) fmt::format_to(out, "# size: {}\n", j.size_note);
    fmt::format_to(out,
                   "ioengine={}\ndirect={}\nfilename={}\nsize={}\nruntime={}\n"
                   "time_based=1\ngroup_reporting=1\nrandrepeat=0\nnumjobs=1\n",
                   p.ioengine, p.direct ? 1 : 0, p.target, p.size, p.runtime_seconds);
    // fio's random map trims a random IO to the blocks not yet touched, which
    // shrinks the large sizes of a bssplit (measured: 4k/50:64k/50 gave a 22.7 KB
    // mean instead of 34.8 KB). Without the map every size is issued as written.
    fmt::format_to(
        out, "# keep bssplit sizes exact (the random map would trim large IOs)\nnorandommap=1\n");
    if (!p.log_prefix.empty())
        fmt::format_to(out,
                       "# per-I/O logs: issue order and times (iolog), latency with offsets "
                       "(lat log)\nwrite_lat_log={}\nlog_offset=1\n",
                       p.log_prefix);
    if (j.split.on && j.split.flow) {
        // fio's token flow control keeps the sections' IO counts in the ratio
        // of their weights (measured: weights 5/995 gave 0.50% reads); the
        // sleep keeps the waiting section from spinning a core.
        fmt::format_to(out,
                       "# reads and writes as two sections in one flow: {}\n#   read share {} "
                       "= flow weights {}:{}\nflow_id=1\nflow_sleep=100\n",
                       j.split.reason, pct(j.read_percent), j.split.read_weight,
                       j.split.write_weight);
    } else if (j.split.on) {
        fmt::format_to(out,
                       "# reads and writes as two sections that run side by side, each at its "
                       "own rate: {}\n#   read share {} = the two rates\n",
                       j.split.reason, pct(j.read_percent));
    }
    fmt::format_to(out, "\n");
    if (j.split.on) {
        render_section(o, j, Part::read, 1);
        render_section(o, j, Part::write, 2);
    } else {
        render_section(o, j, Part::both, 1);
    }
    o.pop_back();  // one blank line between sections, none at the end
    return o;
}

}  // namespace vscsi
