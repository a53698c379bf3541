// fio's per-I/O logs (real ones, tests/fixtures/fio) re-measured as vscsiStats
// histograms, and the fidelity score built on them.
#include <catch2/catch.hpp>

#include "analysis/fidelity_score.hpp"
#include "analysis/fio_run.hpp"
#include "analysis/fio_trace.hpp"
#include "analysis/seek_span.hpp"
#include "fixtures.hpp"
#include "format/fio_logs.hpp"
#include "sim/workload_model.hpp"

using namespace vscsi;
using Catch::Matchers::Contains;

namespace {

std::string fio_fixture(const std::string& name) {
    return test::read_text(test::fixtures_dir() / "fio" / name);
}

IoTrace real_trace(const std::string& job) {
    FioIolog io;
    test::require_parsed(parse_fio_iolog(fio_fixture(job + ".iolog"), job + ".iolog", io));
    std::vector<FioLatEntry> lat;
    test::require_parsed(
        parse_fio_lat_log(fio_fixture(job + "_lat.1.log"), job + "_lat.1.log", lat));
    return build_io_trace(&io, &lat);
}

const Histogram& hist(const TraceInterval& iv, Metric m, Direction d) {
    const auto* h = iv.data.disks.at(0).find(m, d);
    REQUIRE(h != nullptr);
    return *h;
}

std::uint64_t in_bucket(const Histogram& h, std::int64_t limit) {
    for (std::size_t i = 0; i < h.limits.size(); ++i)
        if (h.limits[i] == limit) return h.frequencies[i];
    FAIL("no bucket " << limit);
    return 0;
}

const TimePoint kBase = *parse_iso8601("2026-11-24T08:00:00Z");

}  // namespace

TEST_CASE("fio log kinds are told apart by content", "[fio]") {
    CHECK(detect_fio_log(fio_fixture("seqwrite.iolog")) == FioLogKind::iolog);
    CHECK(detect_fio_log(fio_fixture("seqwrite_lat.1.log")) == FioLogKind::latency);
    CHECK(detect_fio_log(fio_fixture("seqwrite.fio")) == FioLogKind::other);
}

TEST_CASE("a real sequential-write run (psync, 4 KiB, 1000 IOPS) re-measured", "[fio]") {
    // tests/fixtures/fio/seqwrite.fio: rw=write bs=4k iodepth=1 number_ios=50 rate_iops=1000
    const auto t = real_trace("seqwrite");
    REQUIRE(t.ios.size() == 50);
    CHECK(t.has_latency);
    CHECK(t.exact_issue_times);
    CHECK(t.warnings.empty());
    REQUIRE(t.files == std::vector<std::string>{"/data/target.dat"});
    const auto iv = trace_histograms(t, 1'000'000, kBase);
    REQUIRE(iv.size() == 1);
    const auto& d = iv[0].data.disks.at(0);
    CHECK(d.disk.label == "/data/target.dat");
    const auto& len = hist(iv[0], Metric::io_length, Direction::write);
    CHECK(len.count == 50);
    CHECK(in_bucket(len, 4096) == 50);
    CHECK(hist(iv[0], Metric::io_length, Direction::read).count == 0);
    const auto& seek = hist(iv[0], Metric::seek_distance, Direction::write);
    CHECK(seek.count == 49);          // the first write has no predecessor
    CHECK(in_bucket(seek, 1) == 49);  // every next write starts right after the previous one
    const auto& gap = hist(iv[0], Metric::interarrival, Direction::write);
    CHECK(gap.count == 49);
    CHECK(gap.mean >= 900);  // rate_iops=1000: about 1000 us apart
    CHECK(gap.mean <= 1100);
    const auto& qd = hist(iv[0], Metric::outstanding_ios, Direction::write);
    CHECK(qd.count == 50);
    CHECK(qd.max == 1);  // synchronous engine: never more than the new IO itself
    CHECK(hist(iv[0], Metric::latency, Direction::write).count == 50);
    CHECK(hist(iv[0], Metric::io_length, Direction::total).count == 50);
    // The interval ends with the trace, not a whole second later.
    CHECK(seconds_between(iv[0].start, iv[0].end) < 0.1);
}

TEST_CASE("a real random-read run (libaio, 8 KiB, iodepth 4) re-measured", "[fio]") {
    const auto t = real_trace("randread");
    REQUIRE(t.ios.size() == 40);
    const auto iv = trace_histograms(t, 1'000'000, kBase);
    REQUIRE(iv.size() == 1);
    const auto& len = hist(iv[0], Metric::io_length, Direction::read);
    CHECK(in_bucket(len, 8192) == 40);
    CHECK(in_bucket(hist(iv[0], Metric::seek_distance, Direction::read), 1) <= 2);  // random
    const auto& qd = hist(iv[0], Metric::outstanding_ios, Direction::read);
    CHECK(qd.mean >= 3);  // fio keeps 4 in flight after the first IOs
    CHECK(qd.mean <= 5);
    CHECK(hist(iv[0], Metric::io_length, Direction::write).count == 0);
}

TEST_CASE("seek distance, closest of 16, outstanding IOs and interval cuts on a hand-made trace",
          "[fio]") {
    IoTrace t;
    t.files = {"f"};
    t.has_latency = true;
    // read LBN 0-7 at 0 us (done at 400), write LBN 100-107 at 100 (done 300),
    // read LBN 8-15 at 1500 (done 1600): sequential for reads, not for the disk.
    t.ios = {{0, 400, 0, 4096, 0, FioDir::read},
             {100, 300, 100 * 512, 4096, 0, FioDir::write},
             {1500, 1600, 8 * 512, 4096, 0, FioDir::read}};
    const auto iv = trace_histograms(t, 1000, kBase);
    REQUIRE(iv.size() == 2);
    CHECK(hist(iv[0], Metric::io_length, Direction::total).count == 2);
    CHECK(hist(iv[1], Metric::io_length, Direction::total).count == 1);
    // The second interval still knows the first one's reads.
    const auto& seek_r = hist(iv[1], Metric::seek_distance, Direction::read);
    CHECK(seek_r.count == 1);
    CHECK(seek_r.min == 1);
    const auto& seek_t = hist(iv[1], Metric::seek_distance, Direction::total);
    CHECK(seek_t.min == 8 - 107);
    CHECK(hist(iv[1], Metric::seek_distance_closest16, Direction::total).min == 1);
    // The write was issued while the first read was in flight: 2 outstanding.
    CHECK(hist(iv[0], Metric::outstanding_ios, Direction::total).max == 2);
    CHECK(hist(iv[0], Metric::outstanding_ios, Direction::write).max ==
          1);  // no other write in flight
    CHECK(hist(iv[1], Metric::interarrival, Direction::read).min == 1500);
    CHECK(hist(iv[0], Metric::latency, Direction::read).max == 400);
}

TEST_CASE("logs are paired I/O by I/O; what cannot be paired is said", "[fio]") {
    FioIolog io;
    test::require_parsed(parse_fio_iolog(fio_fixture("seqwrite.iolog"), "x", io));
    std::vector<FioLatEntry> lat;
    test::require_parsed(parse_fio_lat_log(fio_fixture("randread_lat.1.log"), "y", lat));
    const auto t = build_io_trace(&io, &lat);
    REQUIRE(t.warnings.size() == 1);
    CHECK_THAT(t.warnings[0], Contains("40 latency-log line(s) had no I/O") &&
                                  Contains("50 I/O(s) had no latency"));
    const auto lat_only = build_io_trace(nullptr, &lat);
    CHECK_THAT(lat_only.warnings.at(0), Contains("approximate"));
    CHECK(std::is_sorted(lat_only.ios.begin(), lat_only.ios.end(),
                         [](auto& a, auto& b) { return a.issue_us < b.issue_us; }));
    const auto io_only = build_io_trace(&io, nullptr);
    CHECK_FALSE(io_only.has_latency);
    const auto iv = trace_histograms(io_only, 1'000'000, kBase);
    CHECK(iv.at(0).data.disks.at(0).find(Metric::latency, Direction::total) == nullptr);
    CHECK(iv.at(0).data.disks.at(0).find(Metric::interarrival, Direction::total) != nullptr);
}

namespace {

NamedIolog two_stream_iolog(const std::string& name) {
    NamedIolog io{name, {}};
    test::require_parsed(parse_fio_iolog(fio_fixture("two-stream/" + name), name, io.log));
    return io;
}
NamedLatLog two_stream_lat(int job) {
    const auto name = "two-stream_lat." + std::to_string(job) + ".log";
    NamedLatLog lat{name, {}};
    test::require_parsed(parse_fio_lat_log(fio_fixture("two-stream/" + name), name, lat.entries));
    return lat;
}
double span_s(const IoTrace& t) {
    std::uint64_t end = 0;
    for (const auto& io : t.ios) end = std::max(end, io.complete_us);
    return static_cast<double>(end - t.ios.front().issue_us) / 1e6;
}

}  // namespace

TEST_CASE("fio job numbers in log names", "[fio]") {
    CHECK(fio_job_number("src_lat.2.log") == 2);
    CHECK(fio_job_number("run.12.iolog") == 12);
    CHECK(fio_job_number("scan.iolog") == 0);
    CHECK(fio_job_number("x_lat..log") == 0);
    CHECK(fio_job_number(".log") == 0);
    CHECK(fio_job_number("a.99999999999999999999.log") == 0);
}

TEST_CASE("a real two-job run (scan beside random writes) merges into one disk", "[fio]") {
    // tests/fixtures/fio/two-stream: [scan] 100 sequential 128K reads, iodepth 2,
    // 200 IOPS; [oltp-writes] 300 random 4K/8K writes, iodepth 8, 600 IOPS, one file.
    const auto scan = two_stream_iolog("scan.iolog"), oltp = two_stream_iolog("oltp.iolog");
    const auto lat1 = two_stream_lat(1), lat2 = two_stream_lat(2);
    CHECK(iolog_match(scan.log, lat1.entries) == 1.0);
    CHECK(iolog_match(oltp.log, lat2.entries) == 1.0);
    CHECK(iolog_match(scan.log, lat2.entries) < 0.05);

    // Given in any order, paired by the I/Os they share, listed in fio's job order.
    const auto t = merge_fio_run({oltp, scan}, {lat2, lat1}, {});
    REQUIRE(t.has_value());
    CHECK(t->has_latency);
    CHECK(t->exact_issue_times);
    REQUIRE(t->ios.size() == 400);
    REQUIRE(t->jobs.size() == 3);
    CHECK(t->jobs[0] == "fio job 1 (scan.iolog + two-stream_lat.1.log): 100 reads, 0 writes");
    CHECK(t->jobs[1] == "fio job 2 (oltp.iolog + two-stream_lat.2.log): 0 reads, 300 writes");
    CHECK(t->jobs[2] == "file two-stream.dat: 100 reads, 300 writes");
    CHECK(t->warnings.empty());
    CHECK(std::is_sorted(t->ios.begin(), t->ios.end(),
                         [](auto& a, auto& b) { return a.issue_us < b.issue_us; }));

    // One disk, as ESXi sees it: the streams overlap in time, so the whole
    // disk's queue is deeper than either direction's, and its seeks jump
    // between the streams while each direction keeps its own pattern.
    const auto iv = trace_histograms(*t, 10'000'000, kBase);
    REQUIRE(iv.size() == 1);
    REQUIRE(iv[0].data.disks.size() == 1);
    CHECK(hist(iv[0], Metric::io_length, Direction::read).count == 100);
    CHECK(hist(iv[0], Metric::io_length, Direction::write).count == 300);
    CHECK(in_bucket(hist(iv[0], Metric::seek_distance, Direction::read), 1) == 99);
    const auto& all_seek = hist(iv[0], Metric::seek_distance, Direction::total);
    CHECK(in_bucket(all_seek, 1) < 10);
    const auto& q_all = hist(iv[0], Metric::outstanding_ios, Direction::total);
    const auto& q_read = hist(iv[0], Metric::outstanding_ios, Direction::read);
    const auto& q_write = hist(iv[0], Metric::outstanding_ios, Direction::write);
    // IOs that found no other IO in flight: some that found none of their own
    // direction found the other stream's.
    CHECK(in_bucket(q_all, 1) < in_bucket(q_read, 1) + in_bucket(q_write, 1));
    CHECK(q_all.max >= std::max(q_read.max, q_write.max));
    CHECK(q_read.max <= 2);  // iodepth=2
    // The run lasted about as long as each job (0.5 s), not their sum.
    CHECK(span_s(*t) < 0.8);
}

TEST_CASE("latency logs alone: every job kept, side by side or in sequence", "[fio]") {
    const auto lat1 = two_stream_lat(1), lat2 = two_stream_lat(2);
    const auto t = merge_fio_run({}, {lat2, lat1}, {});
    REQUIRE(t.has_value());
    std::size_t reads = 0;
    for (const auto& io : t->ios) reads += io.dir == FioDir::read;
    CHECK(reads == 100);  // the scan's reads are not lost
    CHECK(t->ios.size() == 400);
    CHECK(t->jobs.at(0) == "fio job 1 (two-stream_lat.1.log): 100 reads, 0 writes");
    CHECK(t->jobs.at(2) == "file fio: 100 reads, 300 writes");
    CHECK(span_s(*t) < 0.8);
    REQUIRE(t->warnings.size() == 2);  // approximate issue times (once), and side by side
    CHECK_THAT(t->warnings[0], Contains("approximate"));
    CHECK_THAT(t->warnings[1], Contains("side by side") && Contains("--jobs-in-sequence"));

    const auto seq = merge_fio_run({}, {lat1, lat2}, {.jobs_in_sequence = true});
    REQUIRE(seq.has_value());
    CHECK(seq->ios.size() == 400);
    CHECK(span_s(*seq) > span_s(*t) * 1.5);
    CHECK_THAT(seq->warnings.back(), Contains("one after another"));
}

TEST_CASE("logs that do not belong to the run are refused, named", "[fio]") {
    const auto scan = two_stream_iolog("scan.iolog"), oltp = two_stream_iolog("oltp.iolog");
    const auto lat1 = two_stream_lat(1), lat2 = two_stream_lat(2);
    // A latency log whose I/Os no given iolog issued.
    auto r = merge_fio_run({scan}, {lat1, lat2}, {});
    REQUIRE_FALSE(r.has_value());
    CHECK_THAT(r.error().message(),
               Contains("two-stream_lat.2.log: pairs with no iolog") && Contains("scan.iolog"));
    // An iolog left without its latency log.
    r = merge_fio_run({scan, oltp}, {lat1}, {});
    REQUIRE_FALSE(r.has_value());
    CHECK_THAT(r.error().message(), Contains("oltp.iolog: no latency log"));
    // A job log with nothing in it.
    NamedLatLog empty{"idle_lat.3.log", {}};
    r = merge_fio_run({}, {lat1, empty}, {});
    REQUIRE_FALSE(r.has_value());
    CHECK_THAT(r.error().message(), Contains("idle_lat.3.log: holds no reads or writes"));
}

TEST_CASE("bad fio logs: file, line and field named", "[fio]") {
    FioIolog io;
    auto e = test::parse_failure(parse_fio_iolog("fio version 2 iolog\n", "a.log", io));
    CHECK(e.line == 1);
    CHECK(e.field == "header");
    e = test::parse_failure(
        parse_fio_iolog("fio version 3 iolog\n10 f add\n20 f read 4096\n", "a.log", io));
    CHECK(e.line == 3);
    CHECK(e.field == "offset");
    e = test::parse_failure(
        parse_fio_iolog("fio version 3 iolog\n10 f read 0 4096\n5 f read 0 4096\n", "a.log", io));
    CHECK(e.line == 3);
    CHECK_THAT(e.reason, Contains("backwards"));
    e = test::parse_failure(parse_fio_iolog("fio version 3 iolog\n10 f write 0 x\n", "a.log", io));
    CHECK(e.field == "length");
    CHECK_THAT(e.message(), Contains("a.log") && Contains("2"));

    std::vector<FioLatEntry> lat;
    e = test::parse_failure(parse_fio_lat_log("0, 100, 0, 4096\n", "b_lat.1.log", lat));
    CHECK(e.field == "offset");
    CHECK_THAT(e.reason, Contains("log_offset=1"));
    e = test::parse_failure(
        parse_fio_lat_log("0, 100, 0, 4096, 0, 0\n1, 100, 7, 4096, 0, 0\n", "b_lat.1.log", lat));
    CHECK(e.line == 2);
    CHECK(e.field == "ddir");
    e = test::parse_failure(parse_fio_lat_log("", "b_lat.1.log", lat));
}

TEST_CASE("fidelity score: tolerances, what is scored, and why it failed", "[fio][validate]") {
    WorkloadModel w;
    w.iops = 1000;
    auto metrics = [](const WorkloadModel& m) {
        DiskAccumulator acc;
        REQUIRE(acc.add(synthesize_interval(m, {0, 1, "f"}, 60, 5)).has_value());
        return compute_metrics(acc, 60, PercentileMethod::bucket_upper_bound);
    };
    const auto a = metrics(w);
    const auto same = score_fidelity(a, a, {true, false, ""});
    CHECK(same.pass);
    for (const auto& r : same.rows) CHECK(r.pass);

    auto other = w;
    other.read_fraction = 0.65;  // 5 points fewer reads
    const auto off = score_fidelity(a, metrics(other), {true, false, ""});
    CHECK_FALSE(off.pass);
    bool named = false;
    for (const auto& n : off.notes)
        named = named || n.find("read share (%) is off by -5.0 pt") != std::string::npos;
    CHECK(named);

    auto slower = w;
    slower.iops = 800;  // -20% IOPS: fails only when the run was rate-limited
    CHECK_FALSE(score_fidelity(a, metrics(slower), {true, false, ""}).pass);
    const auto flat_out = score_fidelity(a, metrics(slower), {});
    CHECK(flat_out.pass);
    CHECK_FALSE(flat_out.rows[0].scored);

    FidelityTolerances strict_sizes;
    strict_sizes.size_tvd = 0.0;
    auto sizes = w;
    sizes.read_sizes = {{8192, 0.9}, {4096, 0.1}};
    CHECK_FALSE(score_fidelity(a, metrics(sizes), {true, false, ""}, strict_sizes).pass);
    // The interarrival distribution is scored only when asked to.
    bool interarrival_scored = false;
    for (const auto& r : score_fidelity(a, a, {true, true, ""}).rows)
        if (r.key == "interarrival.total") interarrival_scored = r.scored;
    CHECK(interarrival_scored);
}

TEST_CASE("the span random seeks cover is fitted from the seek-distance buckets", "[fio]") {
    // Uniform offsets over 16 MiB (32768 LBNs), a quarter of IOs sequential.
    const auto model = uniform_seek_shares(32768, 0.75);
    double total = 0;
    for (const auto& b : model) total += b.percent;
    CHECK(total == Approx(100));
    auto counts = model;
    for (auto& b : counts) b.count = static_cast<std::uint64_t>(std::llround(b.percent * 10));
    std::erase_if(counts, [](const BucketShare& b) { return b.count == 0; });
    const auto fit = fit_seek_span(counts, 25);
    CHECK(fit.span_lbns == Approx(32768).epsilon(0.1));
    CHECK(fit.distance < 0.01);
    // Too few random IOs tell nothing.
    CHECK_FALSE(std::isfinite(fit_seek_span({counts.front()}, 99).span_lbns));

    // The real two-job run: random 4K/8K writes over a 16 MiB file.
    const auto scan = two_stream_iolog("scan.iolog"), oltp = two_stream_iolog("oltp.iolog");
    const auto t = merge_fio_run({scan, oltp}, {two_stream_lat(1), two_stream_lat(2)}, {});
    REQUIRE(t.has_value());
    DiskAccumulator acc;
    for (const auto& iv : trace_histograms(*t, 10'000'000, kBase))
        REQUIRE(acc.add(iv.data.disks.at(0)).has_value());
    const auto m = compute_metrics(acc, 1, PercentileMethod::interpolate);
    const auto writes = fit_seek_span(m.distribution(Metric::seek_distance, Direction::write),
                                      m.sequential_percent.write);
    CHECK(writes.span_lbns * 512 == Approx(16 << 20).epsilon(0.2));
    CHECK(writes.distance < 0.10);
    // Per direction, as vscsiStats counts them: reads find only reads in flight.
    CHECK(m.outstanding_mean.read <= 2.0);
    CHECK(m.outstanding_mean.write >= 1.0);
}
