// Each rule: data that triggers it and data that does not.
#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>

#include "analysis/recommendation_rules.hpp"
#include "fixtures.hpp"
#include "format/bucket_limits.hpp"
#include "format/vscsistats_csv.hpp"
#include "sim/workload_model.hpp"

using namespace vscsi;

namespace {

WorkloadMetrics metrics_of(const WorkloadModel& model,
                           const std::function<void(DiskHistograms&)>& tweak = {}) {
    auto d = synthesize_interval(model, {1, 8194, "scsi0:0"}, 60.0, 7);
    if (tweak) tweak(d);
    DiskAccumulator acc;
    REQUIRE(acc.add(d).has_value());
    return compute_metrics(acc, 60.0, PercentileMethod::bucket_upper_bound);
}

// A plain OLTP-like profile that no rule should flag.
WorkloadModel healthy() {
    WorkloadModel m;
    m.iops = 1000;
    m.read_fraction = 0.7;
    m.read_sizes = {{8192, 1}};
    m.write_sizes = {{8192, 1}};
    m.read_sequential = 0.1;
    m.write_sequential = 0.1;
    m.outstanding_mean = 4;
    m.read_latency_us = 1500;
    m.write_latency_us = 800;
    return m;
}

std::vector<std::string> rules(const std::vector<Recommendation>& v) {
    std::vector<std::string> r;
    for (const auto& x : v) r.push_back(x.rule);
    return r;
}

bool has(const std::vector<Recommendation>& v, const std::string& rule) {
    const auto r = rules(v);
    return std::find(r.begin(), r.end(), rule) != r.end();
}

const Recommendation& find(const std::vector<Recommendation>& v, const std::string& rule) {
    for (const auto& x : v)
        if (x.rule == rule) return x;
    FAIL("no recommendation " << rule);
    return v.front();
}

// Replaces one histogram by `shares` (bucket upper limit -> weight) of `count` IOs.
void set_histogram(DiskHistograms& d, Metric m, Direction dir,
                   const std::vector<std::pair<std::int64_t, double>>& shares) {
    auto* h = d.find(m, dir);
    REQUIRE(h != nullptr);
    std::fill(h->frequencies.begin(), h->frequencies.end(), 0);
    const auto n = h->frequency_sum() == 0 ? h->count : h->count;
    std::vector<double> w;
    for (const auto& s : shares) w.push_back(s.second);
    const auto parts = apportion(n, w);
    for (std::size_t i = 0; i < shares.size(); ++i) {
        const auto it = std::find(h->limits.begin(), h->limits.end(), shares[i].first);
        REQUIRE(it != h->limits.end());
        h->frequencies[static_cast<std::size_t>(it - h->limits.begin())] += parts[i];
    }
}

}  // namespace

TEST_CASE("a healthy profile triggers no rule", "[recommendations]") {
    const auto m = metrics_of(healthy());
    CHECK(rules(recommend_for_profile(m, "job")) == std::vector<std::string>{});
    CHECK(rules(recommend(m, 10, {{"scsi0:0", &m}})).empty());
}

TEST_CASE("idle_job: no I/O (or under 1 IOPS) means nothing to size", "[recommendations]") {
    auto idle = healthy();
    idle.iops = 0;
    const auto m = metrics_of(idle);
    const auto r = recommend(m, 30, {{"scsi0:0", &m}});
    REQUIRE(rules(r) == std::vector<std::string>{"idle_job"});
    CHECK(r[0].evidence.find("0 IOs") != std::string::npos);
    auto trickle = healthy();
    trickle.iops = 0.5;
    const auto t = metrics_of(trickle);
    CHECK(has(recommend(t, 30, {{"scsi0:0", &t}}), "idle_job"));
    const auto busy = metrics_of(healthy());
    CHECK_FALSE(has(recommend(busy, 30, {{"scsi0:0", &busy}}), "idle_job"));
    // A job without samples is reported by the warnings, not as idle.
    CHECK(recommend(m, 0, {}).empty());
}

TEST_CASE("unaligned_io: sub-4K IOs and the buckets that hold no 4 KiB multiple",
          "[recommendations]") {
    auto w = healthy();
    w.write_sizes = {{8192, 0.9}, {6144, 0.1}};  // 6 KiB lands in (4096, 8191]
    const auto m = metrics_of(w);
    const auto r = recommend_for_profile(m, "job");
    REQUIRE(has(r, "unaligned_io"));
    const auto& u = find(r, "unaligned_io");
    CHECK(u.severity == Severity::warning);  // 3% of all IOs: above 1%, under 10%
    CHECK_THAT(u.evidence, Catch::Contains("not a multiple of 4 KiB: 3.") &&
                               Catch::Contains("4\u20138K (unaligned)"));
    auto heavy = healthy();
    heavy.read_sizes = {{3072, 1}};  // every read 3 KiB: (2048, 4095]
    CHECK(find(recommend_for_profile(metrics_of(heavy), "job"), "unaligned_io").severity ==
          Severity::critical);
    auto small = healthy();
    small.read_sizes = {{1024, 1}};  // sub-4K: a 4K-sector device reads-modifies-writes too
    CHECK_THAT(find(recommend_for_profile(metrics_of(small), "job"), "unaligned_io").evidence,
               Catch::Contains("smaller than 4 KiB: 70."));
    auto aligned = healthy();
    aligned.read_sizes = {{4096, 0.5}, {65536, 0.5}};
    aligned.write_sizes = {{16384, 1}};
    CHECK_FALSE(has(recommend_for_profile(metrics_of(aligned), "job"), "unaligned_io"));
    // 12 KiB and 56 KiB are 4 KiB multiples although their buckets (8193-16383,
    // 49153-65535) end one byte short of a power of two.
    auto twelve = healthy();
    twelve.read_sizes = {{12288, 1}};
    twelve.write_sizes = {{57344, 1}};
    CHECK_FALSE(has(recommend_for_profile(metrics_of(twelve), "job"), "unaligned_io"));
}

TEST_CASE("queue_depth_saturation: IOs issued at the 32/64 queue limits", "[recommendations]") {
    auto deep = healthy();
    deep.outstanding_mean = 40;
    const auto r = recommend_for_profile(metrics_of(deep), "job");
    REQUIRE(has(r, "queue_depth_saturation"));
    CHECK(find(r, "queue_depth_saturation").severity == Severity::critical);
    // 10% of IOs in the 32 bucket only: a warning.
    const auto some = metrics_of(healthy(), [](DiskHistograms& d) {
        set_histogram(d, Metric::outstanding_ios, Direction::total, {{4, 0.9}, {32, 0.1}});
    });
    const auto some_recs = recommend_for_profile(some, "job");
    const auto& q = find(some_recs, "queue_depth_saturation");
    CHECK(q.severity == Severity::warning);
    CHECK(q.evidence.find("29-32: 10.0%") != std::string::npos);
    CHECK_FALSE(has(recommend_for_profile(metrics_of(healthy()), "job"), "queue_depth_saturation"));
    auto qd16 = healthy();
    qd16.outstanding_mean = 12;
    CHECK_FALSE(has(recommend_for_profile(metrics_of(qd16), "job"), "queue_depth_saturation"));
}

TEST_CASE("high latency per direction: p99 and mean thresholds", "[recommendations]") {
    auto slow_writes = healthy();
    slow_writes.write_latency_us = 40000;
    const auto r = recommend_for_profile(metrics_of(slow_writes), "scsi0:1");
    REQUIRE(has(r, "high_write_latency"));
    CHECK_FALSE(has(r, "high_read_latency"));
    const auto& w = find(r, "high_write_latency");
    CHECK(w.severity == Severity::critical);  // p99 lands in the 100 ms bucket
    CHECK(w.scope == "scsi0:1");
    CHECK(w.evidence.find("write") != std::string::npos);
    auto moderate = healthy();
    moderate.read_latency_us = 6000;  // p99 in the (15, 30] ms bucket
    const auto moderate_recs = recommend_for_profile(metrics_of(moderate), "job");
    const auto& rd = find(moderate_recs, "high_read_latency");
    CHECK(rd.severity == Severity::warning);
    CHECK_FALSE(has(recommend_for_profile(metrics_of(healthy()), "job"), "high_read_latency"));
}

TEST_CASE("sequential_streams_broken: sequential per direction, random together",
          "[recommendations]") {
    auto streams = healthy();
    streams.read_sequential = 0.9;
    streams.write_sequential = 0.9;
    // Untouched, the device-wide histogram is the sum of the directions: no finding.
    CHECK_FALSE(
        has(recommend_for_profile(metrics_of(streams), "job"), "sequential_streams_broken"));
    // Reads and writes interleave: each stream is sequential, the device sees random.
    const auto broken = metrics_of(streams, [](DiskHistograms& d) {
        set_histogram(d, Metric::seek_distance, Direction::total,
                      {{1, 0.2}, {100000, 0.4}, {-100000, 0.4}});
    });
    const auto r = recommend_for_profile(broken, "job");
    REQUIRE(has(r, "sequential_streams_broken"));
    CHECK(find(r, "sequential_streams_broken").title.find("interleaved reads and writes") !=
          std::string::npos);
    // Many streams: the closest of the last 16 IOs is the next block, the previous IO is not.
    const auto many = metrics_of(healthy(), [](DiskHistograms& d) {
        set_histogram(d, Metric::seek_distance_closest16, Direction::total,
                      {{1, 0.8}, {500000, 0.2}});
    });
    const auto m = recommend_for_profile(many, "job");
    REQUIRE(has(m, "sequential_streams_broken"));
    CHECK(find(m, "sequential_streams_broken").evidence.find("closest of the last 16 IOs 80.0%") !=
          std::string::npos);
}

TEST_CASE("small_random_writes: write-heavy, small and random", "[recommendations]") {
    auto w = healthy();
    w.read_fraction = 0.3;
    w.write_sizes = {{4096, 0.7}, {8192, 0.3}};
    w.write_sequential = 0.05;
    const auto r = recommend_for_profile(metrics_of(w), "job");
    REQUIRE(has(r, "small_random_writes"));
    CHECK(find(r, "small_random_writes").evidence.find("70.0% of IOs") != std::string::npos);
    auto backup = w;  // same write share, but large sequential writes
    backup.write_sizes = {{262144, 1}};
    backup.write_sequential = 0.9;
    CHECK_FALSE(has(recommend_for_profile(metrics_of(backup), "job"), "small_random_writes"));
    auto read_mostly = w;  // small random writes, but only 10% of IOs
    read_mostly.read_fraction = 0.9;
    CHECK_FALSE(has(recommend_for_profile(metrics_of(read_mostly), "job"), "small_random_writes"));
}

TEST_CASE("rules on the real ESXi sample", "[recommendations]") {
    const auto out = parse_vscsistats_csv_or_throw(test::real_sample());
    DiskAccumulator acc;
    REQUIRE(acc.add(out.disks.at(0)).has_value());
    // The time the print covers by its interarrival histogram (see import).
    const auto m = compute_metrics(acc, 981.74, PercentileMethod::interpolate);
    const auto r = recommend(m, 1, {{"scsi0:0", &m}});
    // 0.8 IOPS: too light to size, but 793 IOs still show their shape.
    CHECK(has(r, "idle_job"));
    // Sub-4K 42+1+5 IOs (6.1%), not a 4K multiple 13+3 IOs (2.0%): 64 of 793 = 8.1%.
    REQUIRE(has(r, "unaligned_io"));
    const auto& u = find(r, "unaligned_io");
    CHECK_THAT(u.title, Catch::StartsWith("8.1% of IOs"));
    CHECK_THAT(u.evidence, Catch::Contains("smaller than 4 KiB: 6.1%") &&
                               Catch::Contains("not a multiple of 4 KiB: 2.0%") &&
                               Catch::Contains("2\u20134K (unaligned) 1.6% (13 IOs)") &&
                               Catch::Contains("not counted: 8\u201316K 1.1% (9 IOs)"));
    // 789 writes of mostly 4 KiB, 27% sequential.
    CHECK(has(r, "small_random_writes"));
    // 4 reads at 42 ms are too few to call read latency high.
    CHECK_FALSE(has(r, "high_read_latency"));
}
