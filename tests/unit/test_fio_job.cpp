#include <catch2/catch.hpp>
#include <cmath>

#include "analysis/fio_run.hpp"
#include "analysis/fio_trace.hpp"
#include "analysis/workload_metrics.hpp"
#include "fixtures.hpp"
#include "format/fio_logs.hpp"
#include "format/vscsistats_csv.hpp"
#include "report/fio_job.hpp"

using namespace vscsi;

namespace {

BucketShare share(std::optional<std::int64_t> lo, std::optional<std::int64_t> hi, double pct) {
    BucketShare b;
    b.low = lo;
    b.high = hi;
    b.percent = pct;
    return b;
}

struct RealFixture {
    AnalysisResult result;
    RealFixture() {
        const auto data = parse_vscsistats_csv_or_throw(test::real_sample());
        DiskAccumulator acc;
        REQUIRE(acc.add(data.disks[0]).has_value());
        result.job_id = "real";
        result.samples_total = result.samples_analyzed = 1;
        result.filter.explanation = "none";
        result.total = compute_metrics(acc, 60, PercentileMethod::bucket_upper_bound);
        result.peak = {1, {}, 793 / 60.0, 4 / 60.0, 789 / 60.0};
    }
    FioJobSpec spec(FioParams p = {}) {
        auto j = derive_fio_job({"real", "all 1 disk", &result, &result.total}, p);
        REQUIRE(j.has_value());
        return *j;
    }
    std::string render(FioParams p = {}) { return render_fio_job(spec(p)); }
};

std::string value_of(const std::string& job, const std::string& key) {
    const auto at = job.find("\n" + key + "=");
    REQUIRE(at != std::string::npos);
    const auto start = at + key.size() + 2;
    return job.substr(start, job.find('\n', start) - start);
}

// The text of one job section, "[name]" up to the next section.
std::string section_of(const std::string& job, const std::string& name) {
    const auto at = job.find("\n[" + name + "]\n");
    REQUIRE(at != std::string::npos);
    const auto end = job.find("\n[", at + 1);
    return job.substr(at, end == std::string::npos ? std::string::npos : end - at + 1);
}

}  // namespace

TEST_CASE("each vscsiStats IO-length bucket maps to a size fio can issue", "[fio]") {
    CHECK(representative_io_size(share(std::nullopt, 512, 1), 0) == 512);
    CHECK(representative_io_size(share(4095, 4096, 1), 0) == 4096);
    CHECK(representative_io_size(share(2048, 4095, 1), 0) == 3072);  // unaligned: between 2k and 4k
    CHECK(representative_io_size(share(4096, 8191, 1), 0) == 6144);
    CHECK(representative_io_size(share(8192, 16383, 1), 0) == 12288);
    CHECK(representative_io_size(share(49152, 65535, 1), 0) == 57344);
    CHECK(representative_io_size(share(32768, 49152, 1), 0) == 49152);
    CHECK(representative_io_size(share(524288, std::nullopt, 1), 1048576) ==
          1048576);  // overflow: largest seen
    CHECK(representative_io_size(share(524288, std::nullopt, 1), 600000) ==
          600064);  // rounded up to 512
}

TEST_CASE("bssplit sizes stay in their bucket and in min..max, and keep the measured mean",
          "[fio]") {
    std::vector<std::string> dropped;
    std::string note;
    // A disk whose largest IO was 24 KiB: its 16-32K bucket must not be 32k.
    const auto e = build_bssplit({share(4095, 4096, 80), share(16384, 32768, 20)},
                                 {4096, 24576, 0.8 * 4096 + 0.2 * 20480}, dropped, note);
    REQUIRE(e.size() == 2);
    CHECK(e[1].bytes == 20480);  // 4 KiB steps reach the mean exactly
    CHECK(bssplit_mean(e) == Approx(0.8 * 4096 + 0.2 * 20480));
    CHECK(note.empty());
    const auto capped = build_bssplit({share(4095, 4096, 80), share(16384, 32768, 20)},
                                      {4096, 24576, 9000}, dropped, note);
    CHECK(capped[1].bytes == 24576);  // as high as the measured max allows
    CHECK_THAT(note, Catch::Contains("cannot hold the measured mean"));
    // Sizes are multiples of 512 inside (low, high].
    note.clear();
    const auto fine = build_bssplit({share(4095, 4096, 50), share(8192, 16383, 50)},
                                    {4096, 16383, 0.5 * 4096 + 0.5 * 13312}, dropped, note);
    CHECK(fine[1].bytes % 512 == 0);
    CHECK(fine[1].bytes > 8192);
    CHECK(fine[1].bytes <= 16383);
    CHECK(bssplit_mean(fine) == Approx(0.5 * 4096 + 0.5 * 13312).epsilon(0.01));
}

TEST_CASE("bssplit percentages are whole, positive and add up to 100", "[fio]") {
    std::vector<std::string> dropped;
    std::string note;
    const auto e = build_bssplit({share(std::nullopt, 512, 33.4), share(4095, 4096, 33.3),
                                  share(8191, 8192, 33.2), share(16384, 32768, 0.1)},
                                 {}, dropped, note);
    int sum = 0;
    for (const auto& x : e) {
        CHECK(x.percent > 0);
        sum += x.percent;
    }
    CHECK(sum == 100);
    REQUIRE(e.size() == 3);
    REQUIRE(dropped.size() == 1);
    CHECK_THAT(dropped[0], Catch::Contains("32k 0.10%"));
    CHECK(fio_size_text(4096) == "4k");
    CHECK(fio_size_text(1048576) == "1m");
    CHECK(fio_size_text(3584) == "3584");
}

TEST_CASE("fio job of the real sample: mix, sizes, randomness, depth, with sources", "[fio]") {
    RealFixture f;
    const auto job = f.render();
    // 4 of 793 IOs are reads (0.50%): rwmixread=1 would double them, so reads
    // and writes are two sections whose IO counts a flow keeps at 5:995.
    CHECK(value_of(job, "flow_id") == "1");
    CHECK_THAT(job, Catch::Contains("read share 0.5% = flow weights 5:995"));
    CHECK(job.find("\nrwmixread=") == std::string::npos);
    const auto reads = section_of(job, "real-reads");
    const auto writes = section_of(job, "real-writes");
    CHECK(value_of(reads, "rw") == "randread");
    CHECK(value_of(reads, "flow") == "5");
    CHECK(value_of(reads, "bssplit") == "4k/25:32k/75");
    CHECK(value_of(reads, "percentage_random") == "75");
    CHECK(value_of(reads, "iodepth") == "1");
    CHECK(value_of(writes, "rw") == "randwrite");
    CHECK(value_of(writes, "flow") == "995");
    // The 8-16K bucket's 1% of writes stands for 15.5K so that the split's
    // mean (5222 B) matches the measured 5229 B (12K would give 5187 B, -0.8%).
    CHECK(value_of(writes, "bssplit") == "512/5:2k/1:3k/2:4k/77:8k/12:15872/1:32k/1:48k/1");
    CHECK(value_of(writes, "percentage_random") == "73");
    CHECK(value_of(writes, "iodepth") == "4");  // mean outstanding 3.82 (buckets prove >= 3.64)
    CHECK(value_of(job, "norandommap") == "1");
    CHECK(job.find("bs_unaligned") == std::string::npos);  // every size is a multiple of 512
    CHECK(job.find("rate_iops") == std::string::npos);
    CHECK_THAT(job, Catch::Contains("mean IO size measured 25600 B, this split 25600 B"));
    CHECK_THAT(job, Catch::Contains("dropped (share rounds to 0%): 1k 0.13%"));
}

TEST_CASE("the decisions of the real sample's job, as data", "[fio]") {
    RealFixture f;
    const auto j = f.spec();
    CHECK(j.read.present);
    CHECK(j.write.present);
    CHECK(j.rwmixread == 1);
    CHECK(j.split.on);
    CHECK(j.split.minor_is_read);
    CHECK(j.split.read_weight == 5);
    CHECK(j.split.write_weight == 995);
    CHECK_THAT(j.split.reason, Catch::Contains("rwmixread=1 would make the 0.50% reads 1%"));
    REQUIRE(j.read.bssplit.size() == 2);
    CHECK(j.read.bssplit[0].bytes == 4096);
    CHECK(j.read.bssplit[0].percent == 25);
    CHECK(j.read.bssplit[1].bytes == 32768);
    CHECK(j.read.bssplit[1].percent == 75);
    int sum = 0;
    for (const auto& e : j.write.bssplit) sum += e.percent;
    CHECK(sum == 100);
    // 1 and 3 of 789 writes: 0.13% and 0.38% round to 0
    CHECK(j.write.dropped ==
          std::vector<std::string>{"1k 0.13%", "6k 0.38%", "16k 0.13%", "64k 0.38%"});
    CHECK(j.read.percentage_random == 75);
    CHECK(j.write.percentage_random == 73);
    CHECK(j.iodepth == 4);
    CHECK(j.bursts.size == 1);
    CHECK(j.unaligned.empty());
    CHECK(j.rate_process == RateProcess::none);
    CHECK(j.section == "real");

    FioParams p;
    p.rate = RateMode::peak;
    const auto peak = f.spec(p);
    CHECK(peak.rate_process == RateProcess::poisson);
    CHECK(peak.write.rate_iops == 13);
    CHECK(peak.peak.seq == 1);
}

TEST_CASE("a balanced mix stays one section with a whole rwmixread", "[fio]") {
    RealFixture f;
    f.result.total.read_percent = 40.1;  // 40 is within 0.2 points
    const auto job = f.render();
    CHECK(value_of(job, "rw") == "randrw");
    CHECK(value_of(job, "rwmixread") == "40");
    CHECK(job.find("flow") == std::string::npos);
    FioParams p;
    p.log_prefix = "/runs/1/run";
    CHECK(value_of(f.render(p), "write_iolog") == "/runs/1/run.iolog");
    // A minor direction of 3.3% misses by 0.3 points (9%): split.
    f.result.total.read_percent = 3.3;
    CHECK(f.spec().split.on);
    CHECK(f.spec().split.read_weight == 33);
}

TEST_CASE("rate replay uses the busiest sample with Poisson pacing", "[fio]") {
    RealFixture f;
    FioParams p;
    p.rate = RateMode::peak;
    p.target = "/dev/sdb";
    p.size = "10G";
    p.runtime_seconds = 300;
    const auto job = f.render(p);
    // Writes at the busiest sample's 13 IOPS; the 0.07 read IOPS follow by flow.
    CHECK(value_of(section_of(job, "real-writes"), "rate_iops") == "13");
    CHECK(value_of(section_of(job, "real-writes"), "rate_process") == "poisson");
    CHECK(section_of(job, "real-reads").find("rate_iops") == std::string::npos);
    CHECK_THAT(section_of(job, "real-reads"), Catch::Contains("no rate of its own: 0.067 IOPS"));
    CHECK(value_of(job, "filename") == "/dev/sdb");
    CHECK(value_of(job, "size") == "10G");
    CHECK(value_of(job, "runtime") == "300");
}

TEST_CASE("an idle profile has nothing to reproduce", "[fio]") {
    AnalysisResult r;
    const auto j = derive_fio_job({"idle", "x", &r, &r.total}, {});
    REQUIRE_FALSE(j.has_value());
    CHECK(j.error().kind == ErrorKind::usage);
    CHECK_THAT(j.error().message(),
               Catch::Contains("no I/O") && Catch::Contains("try --filter none"));
}

TEST_CASE("single-direction workloads use randread/randwrite with single values", "[fio]") {
    RealFixture f;
    auto& m = f.result.total;
    m.ios_read = 0;
    m.iops.read = 0;
    m.set_distribution(Metric::io_length, Direction::read, {});
    const auto job = f.render();
    CHECK(value_of(job, "rw") == "randwrite");
    CHECK(job.find("rwmixread") == std::string::npos);
    CHECK(value_of(job, "percentage_random") == "73");
    CHECK(value_of(job, "bssplit") == "512/5:2k/1:3k/2:4k/77:8k/12:15872/1:32k/1:48k/1");
}

TEST_CASE("sizes that are not multiples of the smallest one keep bs_unaligned", "[fio]") {
    RealFixture f;
    auto& m = f.result.total;
    m.set_distribution(Metric::io_length, Direction::read,
                       {share(4095, 4096, 50), share(4096, 8191, 50)});  // 4k and 6k reads
    m.mean_io_bytes.read = 5120;
    m.min_io_bytes.read = 4096;
    const auto job = f.render();
    CHECK(value_of(job, "bs_unaligned") == "1");  // 6k reads are not a multiple of 4k
    CHECK_THAT(job, Catch::Contains("# read 6k is not a multiple of 4k"));
    CHECK(value_of(section_of(job, "real-reads"), "bssplit") == "4k/50:6k/50");
}

TEST_CASE("a rate-limited replay keeps the measured concurrency with bursts", "[fio]") {
    // Mean outstanding 8 at 2400 IOPS and 1 ms: latency explains 2.4 in flight, the rest is
    // bursty arrival: bursts of 15 (mean (1+15)/2 = 8), 90% of a burst period apart.
    const auto b = burst_plan(8.0, 2400, 1.0, true);
    CHECK(b.size == 15);
    CHECK(b.period_us == 5625);  // 90% of a burst period (15 / 2400 s)
    CHECK(b.little_queue == Approx(2.4));
    CHECK(burst_plan(8.0, 2400, 1.0, false).size == 1);   // flat out: iodepth alone keeps the queue
    CHECK(burst_plan(1.2, 2400, 1.0, true).size == 1);    // no concurrency to keep
    CHECK(burst_plan(1000, 10, kNaN, true).size == 256);  // capped; no latency known
    // 16 in flight at 76,000 IOPS and 0.21 ms: Little's law explains the queue (device-bound).
    CHECK(burst_plan(16, 76000, 0.21, true).size == 1);

    RealFixture f;  // mean outstanding 3.82, busiest sample 13.2 IOPS
    FioParams p;
    p.rate = RateMode::peak;
    const auto job = f.render(p);
    const auto writes = section_of(job, "real-writes");
    CHECK(value_of(writes, "iodepth") == "7");  // 2 x 3.82 - 1
    CHECK(value_of(writes, "thinktime_blocks") == "7");
    CHECK(value_of(job, "thinktime_blocks_type") == "issue");
    // The writes' own queue, rate and latency (a section per direction).
    CHECK(value_of(job, "thinktime") ==
          std::to_string(burst_plan(f.result.total.outstanding_mean.write, 789 / 60.0,
                                    f.result.total.latency_ms_write.mean, true)
                             .period_us));
    // Flat out: plain iodepth, no think time.
    const auto flat = f.render();
    CHECK(value_of(section_of(flat, "real-writes"), "iodepth") == "4");
    CHECK(flat.find("thinktime") == std::string::npos);
}

TEST_CASE("validation runs ask fio for per-I/O logs", "[fio]") {
    RealFixture f;
    FioParams p;
    p.log_prefix = "/runs/1/run";
    const auto job = f.render(p);
    // One iolog per section: fio cannot share one between jobs.
    CHECK(value_of(section_of(job, "real-reads"), "write_iolog") == "/runs/1/run.1.iolog");
    CHECK(value_of(section_of(job, "real-writes"), "write_iolog") == "/runs/1/run.2.iolog");
    CHECK(value_of(job, "write_lat_log") == "/runs/1/run");
    CHECK(value_of(job, "log_offset") == "1");
    CHECK(f.render().find("write_iolog") == std::string::npos);
}

TEST_CASE("paced arrivals are replayed with linear pacing, random ones with Poisson", "[fio]") {
    // Interarrival buckets (us): 1 10 100 500 1000 5000 15000 30000 50000 100000 and overflow.
    auto with_gaps = [](std::vector<BucketShare> gaps, double mean_us) {
        RealFixture f;
        // The same gaps for the whole disk and each direction (the writes are
        // 99.5% of it and run as their own section).
        for (auto d : {Direction::total, Direction::read, Direction::write}) {
            f.result.total.set_distribution(Metric::interarrival, d, gaps);
            f.result.total.interarrival_mean_us[d] = mean_us;
            f.result.total.outstanding_mean[d] = 1.0;
        }
        f.result.total.queue_depth.mean = 1.0;  // no bursts: pacing alone decides the arrivals
        return f;
    };
    auto key = [](std::int64_t hi, double pct) {
        auto b = share(std::nullopt, hi, pct);
        b.key = std::to_string(hi);
        return b;
    };
    // A paced stream: every gap about 800 us.
    auto paced = with_gaps({key(1000, 100)}, 800);
    const auto shape = arrival_shape(paced.result.total);
    CHECK(shape.steady());
    CHECK(shape.modal_percent == Approx(100));
    FioParams p;
    p.rate = RateMode::mean;
    auto job = paced.render(p);
    CHECK(value_of(job, "rate_process") == "linear");
    // The real sample's writes have mixed sizes: the rate goes in bytes (IOPS x mean size).
    CHECK(job.find("\nrate=") != std::string::npos);
    CHECK(job.find("\nrate_iops=") == std::string::npos);
    // Exponential gaps with a 1000 us mean, bucket by bucket: Poisson.
    std::vector<BucketShare> expo;
    double below = 0;
    for (std::int64_t hi : {1, 10, 100, 500, 1000, 5000, 15000, 30000, 50000, 100000}) {
        const double cdf = 1 - std::exp(-hi / 1000.0);
        expo.push_back(key(hi, 100 * (cdf - below)));
        below = cdf;
    }
    auto random = with_gaps(expo, 1000);
    CHECK_FALSE(arrival_shape(random.result.total).steady());
    CHECK(arrival_shape(random.result.total).poisson_distance < 0.01);
    CHECK(value_of(random.render(p), "rate_process") == "poisson");
    // Rare arrivals (all > 100 ms) say nothing about pacing.
    auto rare = with_gaps({share(100000, std::nullopt, 100)}, 400000);
    CHECK_FALSE(arrival_shape(rare.result.total).steady());
}

TEST_CASE("a partial output (-p ioLength) leaves unmeasured figures out and says so", "[fio]") {
    auto data = parse_vscsistats_csv_or_throw(test::real_sample());
    for (std::size_t s = 0; s < kSlotCount; ++s)
        if (slot_info(s).metric != Metric::io_length) data.disks[0].present[s] = false;
    DiskAccumulator acc;
    REQUIRE(acc.add(data.disks[0]).has_value());
    AnalysisResult r;
    r.total = compute_metrics(acc, 600, PercentileMethod::interpolate);
    const auto& m = r.total;
    CHECK(std::isnan(m.queue_depth.mean));
    CHECK(std::isnan(m.sequential_percent.write));
    std::vector<std::string> keys;
    for (const auto& n : m.not_measured()) keys.emplace_back(n.key);
    CHECK(keys == std::vector<std::string>{"sequential_percent", "queue_depth", "latency_ms",
                                           "interarrival"});
    const auto job = render_fio_job(*derive_fio_job({"part", "scsi0:0", &r, &r.total}, {}));
    CHECK_THAT(job, Catch::Contains("# ASSUMED, not measured: percentage_random=100") &&
                        Catch::Contains("# ASSUMED, not measured: iodepth=1"));
}

TEST_CASE("the arrival reference leaves out the first IO's gap", "[fio]") {
    const auto data = parse_vscsistats_csv_or_throw(test::real_sample());
    DiskAccumulator acc;
    REQUIRE(acc.add(data.disks[0]).has_value());
    // The print covers 981.74 s (its interarrival count x mean - max); vscsiStats'
    // own mean, 734 s, includes the 581,014 s gap before the first IO.
    const auto m = compute_metrics(acc, 981.74, PercentileMethod::interpolate);
    CHECK(m.interarrival_mean_us.total == Approx(981.74e6 / 793));
    const auto shape = arrival_shape(m);
    REQUIRE(std::isfinite(shape.poisson_distance));
    // Exponential gaps of 1.24 s put exp(-0.1/1.238) = 92.2% above 100 ms where
    // 14.4% of the measured gaps are: these arrivals are bursty, not Poisson.
    CHECK(shape.poisson_distance == Approx(0.849).margin(0.001));
    CHECK_FALSE(shape.steady());  // 42% in the busiest bucket: not paced
}

namespace {

// The real two-job fio run (tests/fixtures/fio/two-stream) as one disk's profile.
AnalysisResult two_stream_profile() {
    auto load_iolog = [](const std::string& name) {
        NamedIolog io{name, {}};
        test::require_parsed(parse_fio_iolog(
            test::read_text(test::fixtures_dir() / "fio/two-stream" / name), name, io.log));
        return io;
    };
    auto load_lat = [](const std::string& name) {
        NamedLatLog lat{name, {}};
        test::require_parsed(parse_fio_lat_log(
            test::read_text(test::fixtures_dir() / "fio/two-stream" / name), name, lat.entries));
        return lat;
    };
    const auto t =
        merge_fio_run({load_iolog("scan.iolog"), load_iolog("oltp.iolog")},
                      {load_lat("two-stream_lat.1.log"), load_lat("two-stream_lat.2.log")}, {});
    REQUIRE(t.has_value());
    DiskAccumulator acc;
    double seconds = 0;
    for (const auto& iv : trace_histograms(*t, 10'000'000, TimePoint{})) {
        REQUIRE(acc.add(iv.data.disks.at(0)).has_value());
        seconds += std::chrono::duration<double>(iv.end - iv.start).count();
    }
    AnalysisResult r;
    r.job_id = "two";
    r.samples_total = r.samples_analyzed = 1;
    r.total = compute_metrics(acc, seconds, PercentileMethod::interpolate);
    return r;
}

}  // namespace

TEST_CASE("reads and writes that behave as separate streams run as their own jobs", "[fio]") {
    auto r = two_stream_profile();
    REQUIRE(r.total.ios_read == 100);
    REQUIRE(r.total.ios_write == 300);
    FioParams p;
    p.rate = RateMode::mean;
    const auto j = derive_fio_job({"two", "all 1 disk", &r, &r.total}, p);
    REQUIRE(j.has_value());
    CHECK(j->split.on);
    CHECK_FALSE(j->split.flow);  // each at its own rate
    CHECK_THAT(j->split.reason,
               Catch::Contains("separate streams") && Catch::Contains("sequential 100.0% vs 0.0%"));
    const auto job = render_fio_job(*j);
    const auto reads = section_of(job, "two-reads"), writes = section_of(job, "two-writes");
    CHECK(value_of(reads, "rw") == "randread");
    CHECK(value_of(reads, "percentage_random") == "0");
    CHECK(value_of(reads, "bssplit") == "128k/100");
    CHECK(value_of(reads, "iodepth") == "1");
    CHECK(std::stoi(value_of(reads, "rate_iops")) == Approx(r.total.iops.read).margin(1));
    CHECK(value_of(writes, "percentage_random") == "100");
    CHECK(std::stoi(value_of(writes, "rate_iops")) == Approx(r.total.iops.write).margin(1));
    CHECK(job.find("flow=") == std::string::npos);
    // Random writes over a 16 MiB file: the job's file is that size.
    CHECK(value_of(job, "size") == "16m");
    CHECK(j->seek_span_missed.empty());

    // Flat out, only flow weights keep the read share.
    const auto flat = derive_fio_job({"two", "all 1 disk", &r, &r.total}, FioParams{});
    REQUIRE(flat.has_value());
    CHECK(flat->split.flow);
    CHECK(flat->split.read_weight == 250);
    // A size given is used; the seeks' span is then not the run's.
    FioParams given;
    given.size = "1G";
    const auto g = derive_fio_job({"two", "all 1 disk", &r, &r.total}, given);
    REQUIRE(g.has_value());
    CHECK(g->params.size == "1G");
    CHECK_THAT(g->seek_span_missed, Catch::Contains("16m"));
    given.size = "16M";  // the span itself: the seeks can match
    CHECK(derive_fio_job({"two", "all 1 disk", &r, &r.total}, given)->seek_span_missed.empty());
}

TEST_CASE("a rate-limited replay lets a queue the latency explains form", "[fio]") {
    std::vector<BucketShare> q{share(std::nullopt, 1, 85), share(1, 2, 12), share(2, 4, 3)};
    CHECK(queue_iodepth(1.16, q, true) == 4);   // the bucket of the 99th percentile
    CHECK(queue_iodepth(1.16, q, false) == 1);  // flat out: the mean is the target
    CHECK(queue_iodepth(1.0, q, true) == 1);    // nothing overlapped
    CHECK(queue_iodepth(kNaN, q, true) == 1);
    CHECK(queue_iodepth(6.2, q, true) == 6);  // never below the mean
}
