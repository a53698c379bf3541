#include <catch2/catch.hpp>
#include <cmath>

#include "analysis/histogram_accumulator.hpp"
#include "analysis/interval_delta.hpp"
#include "analysis/sample_filter.hpp"
#include "analysis/workload_metrics.hpp"
#include "fixtures.hpp"
#include "format/vscsistats_csv.hpp"
#include "sim/workload_model.hpp"

using namespace vscsi;
using Catch::Detail::Approx;

namespace {
const DiskHistograms& real_disk() {
    static const auto out = parse_vscsistats_csv_or_throw(test::real_sample());
    return out.disks.at(0);
}
WorkloadMetrics real_metrics(PercentileMethod m = PercentileMethod::bucket_upper_bound) {
    DiskAccumulator acc;
    REQUIRE(acc.add(real_disk()).has_value());
    return compute_metrics(acc, 60.0, m);
}
}  // namespace

TEST_CASE("metrics of the real sample match values computed by hand", "[analysis]") {
    const auto m = real_metrics();
    CHECK(m.ios_total == 793);
    CHECK(m.ios_read == 4);
    CHECK(m.ios_write == 789);
    CHECK(m.iops.total == Approx(793.0 / 60));
    CHECK(m.iops.read == Approx(4.0 / 60));
    CHECK(m.read_percent == Approx(100.0 * 4 / 793));
    // Throughput = count x mean, MB = 10^6 bytes
    CHECK(m.throughput_mbps.total == Approx(793.0 * 5332 / 60 / 1e6));
    CHECK(m.throughput_mbps.read == Approx(4.0 * 25600 / 60 / 1e6));
    CHECK(m.throughput_mbps.write == Approx(789.0 * 5229 / 60 / 1e6));
    // Sequential: bucket (0,1]
    CHECK(m.sequential_percent.total == Approx(100.0 * 213 / 793));
    CHECK(m.sequential_percent.read == Approx(25.0));
    CHECK(m.sequential_percent.write == Approx(100.0 * 213 / 789));
    // Block sizes per direction, keyed by bucket limit
    const auto& w = m.sizes(Direction::write);
    auto share = [](const std::vector<BucketShare>& v, std::string key) {
        for (const auto& b : v)
            if (b.key == key) return b.percent;
        return -1.0;
    };
    CHECK(share(w, "4096") == Approx(100.0 * 607 / 789));
    CHECK(share(w, "4095") == Approx(100.0 * 13 / 789));
    CHECK(share(m.sizes(Direction::read), "32768") == Approx(75.0));
    CHECK(share(w, "65535") == -1.0);  // empty buckets are not listed
    // Queue depth: vscsiStats prints mean 3 (truncated); the buckets prove
    // 2885/793 = 3.638 (each bucket at lo+1) to 3349/793 = 4.22 (at hi, the
    // overflow at max 39); with [3, 4) from the integer mean: 3.638..4, middle 3.819.
    CHECK(m.queue_depth_mean_bounds.low == Approx(2885.0 / 793));
    CHECK(m.queue_depth_mean_bounds.high == Approx(4.0));
    CHECK(m.queue_depth.mean == Approx((2885.0 / 793 + 4) / 2));
    CHECK(m.queue_depth.p50 == Approx(1.0));
    CHECK(m.queue_depth.p95 == Approx(20.0));
    CHECK(m.queue_depth.p99 == Approx(39.0));
    // Latency in ms
    CHECK(m.latency_ms_write.mean == Approx(0.178));
    CHECK(m.latency_ms_write.p50 == Approx(0.1));
    CHECK(m.latency_ms_write.p95 == Approx(1.0));
    CHECK(m.latency_ms_write.p99 == Approx(1.0));
    CHECK(m.latency_ms_read.mean == Approx(42.551));
    CHECK(m.latency_ms_read.p50 == Approx(50.0));
    CHECK(m.latency_ms_read.p99 == Approx(51.537));  // overflow-free, clamped to max
}

TEST_CASE("interpolated percentiles sit inside the bucket", "[analysis]") {
    const auto m = real_metrics(PercentileMethod::interpolate);
    // p50 of write latency: rank 395 of 403 in (10,100]; the lower bound is the
    // observed min (40 us), so 40 + 60 * 395/403 us
    CHECK(m.latency_ms_write.p50 == Approx((40 + 60.0 * 395 / 403) / 1000));
    CHECK(m.latency_ms_write.p50 < 0.1);
    CHECK(m.percentile_method == PercentileMethod::interpolate);
}

TEST_CASE("accumulator sums samples and refuses other bucket limits", "[analysis]") {
    HistogramAccumulator a;
    const auto& h = *real_disk().find(Metric::latency, Direction::total);
    REQUIRE(a.add(h));
    REQUIRE(a.add(h));
    CHECK(a.count() == 2 * 793);
    CHECK(a.mean() == Approx(392));
    CHECK(a.percentile(0.5, PercentileMethod::bucket_upper_bound) ==
          Approx(100));  // rank 793 of 1586; 806 at <=100
    auto other = h;
    std::vector<std::int64_t> changed(h.limits.begin(), h.limits.end());
    changed[0] = 2;
    other.limits = HistogramLimits(changed);
    CHECK_FALSE(a.add(other));
    CHECK(a.count() == 2 * 793);
    HistogramAccumulator empty;
    CHECK(std::isnan(empty.percentile(0.5, PercentileMethod::interpolate)));
}

TEST_CASE("a disk's sums: one block of counts, copies and moves that stay correct",
          "[analysis][width]") {
    const auto& disk = real_disk();
    std::size_t buckets = 0;
    for (std::size_t s = 0; s < kSlotCount; ++s)
        if (disk.present[s]) buckets += disk.slots[s].frequencies.size();
    REQUIRE(buckets > 100);
    DiskAccumulator acc;
    REQUIRE(acc.add(disk).has_value());
    REQUIRE(acc.add(disk).has_value());
    const auto& lat = acc.at(Metric::latency, Direction::total);
    CHECK(lat.count() == 2 * 793);
    // The slots' counts lie one after another in one allocation.
    const auto* first = acc.slots[0].frequencies().data();
    std::size_t at = 0;
    for (std::size_t s = 0; s < kSlotCount; ++s) {
        if (!disk.present[s]) continue;
        CHECK(acc.slots[s].frequencies().data() == first + at);
        at += acc.slots[s].frequencies().size();
    }
    CHECK(at == buckets);

    // A copy owns its counts: adding to it leaves the original alone.
    DiskAccumulator copy = acc;
    REQUIRE(copy.add(disk).has_value());
    CHECK(copy.at(Metric::latency, Direction::total).count() == 3 * 793);
    CHECK(lat.count() == 2 * 793);
    CHECK(copy.at(Metric::latency, Direction::total).frequencies()[0] ==
          3 * disk.find(Metric::latency, Direction::total)->frequencies[0]);
    // A move keeps the block: the moved-to sums read what the original had.
    const auto before =
        std::vector<std::uint64_t>(lat.frequencies().begin(), lat.frequencies().end());
    DiskAccumulator moved = std::move(acc);
    const auto& mlat = moved.at(Metric::latency, Direction::total);
    CHECK(std::equal(before.begin(), before.end(), mlat.frequencies().begin(),
                     mlat.frequencies().end()));
    CHECK(mlat.percentile(0.5, PercentileMethod::bucket_upper_bound) == Approx(100));
    // One slot copied out of the block outlives the disk's sums.
    HistogramAccumulator alone;
    {
        DiskAccumulator gone = std::move(moved);
        alone = gone.at(Metric::latency, Direction::total);
    }
    CHECK(alone.count() == 2 * 793);
    CHECK(std::equal(before.begin(), before.end(), alone.frequencies().begin(),
                     alone.frequencies().end()));
    // Merging into empty sums copies; limits made by hand are shared by their copies.
    DiskAccumulator merged;
    merged.merge(copy);
    CHECK(merged.at(Metric::latency, Direction::total).count() == 3 * 793);
    const HistogramLimits own{1, 2, 3};
    auto again = own;
    CHECK(again == own);
    CHECK(again.values().data() == own.values().data());
    CHECK(HistogramLimits{1, 2, 4} != own);
}

TEST_CASE("percentile filter keeps the busy samples", "[analysis][filter]") {
    const std::vector<float> iops{10, 20, 30, 40, 1000, 1100, 1200, 1300};
    auto d = decide_filter({FilterMethod::percentile, 75.0}, iops);
    // linear interpolation: position 0.75*7 = 5.25 -> 1100 + 0.25*100
    CHECK(d.cutoff_iops == Approx(1125));
    CHECK(std::count_if(iops.begin(), iops.end(), [&](float v) { return d.keeps(v); }) == 2);
    CHECK_THAT(d.explanation, Catch::Contains("75th percentile"));
    const auto bad = check_filter_spec({FilterMethod::percentile, 120.0});
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == ErrorKind::usage);
    CHECK_THAT(bad.error().message(),
               Catch::Contains("outside 0..100") && Catch::Contains("--threshold 75"));
}

TEST_CASE("statistical, absolute and none filters", "[analysis][filter]") {
    const std::vector<float> iops{100, 100, 100, 500};  // mean 200, sd ~173.2
    auto s = decide_filter({FilterMethod::statistical, 0.5}, iops);
    CHECK(s.cutoff_iops == Approx(200 - 0.5 * std::sqrt(30000.0)));
    CHECK(s.keeps(500));
    CHECK_FALSE(s.keeps(100));
    auto a = decide_filter({FilterMethod::absolute, 150.0}, iops);
    CHECK(a.keeps(500));
    CHECK_FALSE(a.keeps(100));
    const auto no_threshold = check_filter_spec({FilterMethod::absolute, std::nullopt});
    REQUIRE_FALSE(no_threshold.has_value());
    CHECK_THAT(no_threshold.error().message(), Catch::Contains("--threshold"));
    CHECK(check_filter_spec({FilterMethod::statistical, 0.5}).has_value());
    auto n = decide_filter({FilterMethod::none, std::nullopt}, iops);
    CHECK(n.keeps(0));
}

TEST_CASE("automatic split finds the idle/active boundary and prints it", "[analysis][filter]") {
    const std::vector<float> iops{2, 5, 3, 0, 4000, 4200, 3900, 4100, 6, 4050};
    const auto d = decide_filter({FilterMethod::automatic, std::nullopt}, iops);
    CHECK(d.cutoff_iops == Approx(3900));
    CHECK_THAT(d.explanation, Catch::Contains("split at 3900.0 IOPS") && Catch::Contains("5 idle"));
    SECTION("unimodal activity keeps everything with I/O") {
        const std::vector<float> flat{900, 1000, 1100, 950};
        const auto f = decide_filter({FilterMethod::automatic, std::nullopt}, flat);
        CHECK(f.keeps(900));
        CHECK_FALSE(f.keeps(0));
        CHECK_THAT(f.explanation, Catch::Contains("no distinct idle phase"));
    }
    SECTION("samples with no I/O at all are idle") {
        const std::vector<float> some{900, 1000, 0, 0};
        const auto f = decide_filter({FilterMethod::automatic, std::nullopt}, some);
        CHECK(f.keeps(900));
        CHECK_FALSE(f.keeps(0));
    }
}

TEST_CASE("cumulative prints become intervals without losing I/O", "[analysis][delta]") {
    WorkloadModel m;
    DiskId id{1, 2, "scsi0:0"};
    VscsiStatsOutput first, second, interval;
    first.disks.push_back(synthesize_interval(m, id, 60, 1));
    const auto more = synthesize_interval(m, id, 60, 2);
    second = first;
    auto& s = second.disks[0];
    for (std::size_t k = 0; k < kSlotCount; ++k) {
        for (std::size_t i = 0; i < s.slots[k].frequencies.size(); ++i)
            s.slots[k].frequencies[i] += more.slots[k].frequencies[i];
        s.slots[k].count += more.slots[k].count;
    }
    DeltaReport rep;
    REQUIRE(subtract_cumulative(first, second, interval, rep).has_value());
    CHECK_FALSE(rep.counters_reset);
    for (std::size_t k = 0; k < kSlotCount; ++k) {
        CHECK(interval.disks[0].slots[k].frequencies == more.slots[k].frequencies);
        CHECK(interval.disks[0].slots[k].count == more.slots[k].count);
    }
    SECTION("counters going backwards are a reset: the new print is taken whole") {
        REQUIRE(subtract_cumulative(second, first, interval, rep).has_value());
        CHECK(rep.counters_reset);
        CHECK_THAT(rep.detail, Catch::Contains("went backwards"));
        CHECK(interval.disks[0].slots[0].count == first.disks[0].slots[0].count);
    }
    SECTION("a disk seen for the first time is taken whole") {
        VscsiStatsOutput none;
        REQUIRE(subtract_cumulative(none, first, interval, rep).has_value());
        CHECK(interval.disks[0].slots[0].count == first.disks[0].slots[0].count);
    }
}

TEST_CASE("the workload model produces consistent vscsiStats histograms", "[analysis][sim]") {
    WorkloadModel m;
    m.iops = 500;
    m.read_fraction = 0.6;
    m.read_sizes = {{4096, 1}, {65536, 1}};
    m.read_sequential = 0.5;
    const auto d = synthesize_interval(m, {1, 2, "scsi0:0"}, 10, 7);
    for (std::size_t k = 0; k < kSlotCount; ++k) {
        REQUIRE(d.present[k]);
        CHECK(d.slots[k].frequency_sum() == d.slots[k].count);
    }
    DiskAccumulator acc;
    REQUIRE(acc.add(d).has_value());
    const auto x = compute_metrics(acc, 10, PercentileMethod::bucket_upper_bound);
    CHECK(x.iops.total == Approx(500));
    CHECK(x.read_percent == Approx(60));
    CHECK(x.sequential_percent.read == Approx(50).margin(0.5));
    CHECK(x.mean_io_bytes.read == Approx((4096 + 65536) / 2.0).epsilon(0.01));
    // The text round-trips through the parser.
    VscsiStatsOutput o;
    o.disks.push_back(d);
    CHECK(format_vscsistats_csv(parse_vscsistats_csv_or_throw(format_vscsistats_csv(o))) ==
          format_vscsistats_csv(o));
}
