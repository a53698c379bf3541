// The pure side of charts, reports and comparisons: gnuplot programs and HTML
// as text, the per-sample series, figure deltas.
#include <catch2/catch.hpp>
#include <regex>

#include "analysis/job_comparison.hpp"
#include "analysis/sample_series.hpp"
#include "chart/gnuplot_script.hpp"
#include "chart/job_charts.hpp"
#include "fixtures.hpp"
#include "format/bucket_labels.hpp"
#include "format/bucket_limits.hpp"
#include "format/vscsistats_csv.hpp"
#include "report/html_page.hpp"
#include "report/html_report.hpp"
#include "sim/workload_model.hpp"
#include "util/base64.hpp"

using namespace vscsi;
using Catch::Matchers::Contains;

namespace {

const DiskId kDisk{2099979, 8194, "scsi0:0"};
const TimePoint kStart = *parse_iso8601("2026-11-02T08:00:00Z");

Sample make_sample(std::uint64_t seq, const WorkloadModel& m, double seconds = 60) {
    Sample s;
    s.header.seq = seq;
    s.header.start =
        kStart + std::chrono::milliseconds(static_cast<long long>((seq - 1) * seconds * 1000));
    s.header.end =
        s.header.start + std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    s.data.disks.push_back(synthesize_interval(m, kDisk, seconds, seq));
    return s;
}

WorkloadModel busy() {
    WorkloadModel m;
    m.iops = 1000;
    m.write_sizes = {{4096, 0.9}, {6144, 0.1}};
    return m;
}

WorkloadModel idle() {
    auto m = busy();
    m.iops = 2;
    return m;
}

// A collector fed N samples, every `idle_every`-th one idle and not analyzed.
SampleSeriesCollector collect(std::size_t n, std::size_t idle_every, std::size_t max_points = 480) {
    SampleSeriesCollector c(max_points);
    for (std::size_t i = 1; i <= n; ++i) {
        const bool is_idle = idle_every && i % idle_every == 0;
        c.on_sample(make_sample(i, is_idle ? idle() : busy()), !is_idle);
    }
    return c;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("bucket labels use the units people read", "[charts]") {
    CHECK(limit_label(Metric::io_length, 512) == "512B");
    CHECK(limit_label(Metric::io_length, 4095) == "4095B");
    CHECK(limit_label(Metric::io_length, 4096) == "4K");
    CHECK(limit_label(Metric::io_length, 524288) == "512K");
    CHECK(limit_label(Metric::io_length, 1048576) == "1M");
    CHECK(limit_label(Metric::seek_distance, -500000) == "-500K");
    CHECK(limit_label(Metric::seek_distance, 1) == "+1");
    CHECK(limit_label(Metric::seek_distance, 0) == "0");
    CHECK(limit_label(Metric::seek_distance, 128) == "+128");
    CHECK(limit_label(Metric::latency, 100) == "100\u00b5s");
    CHECK(limit_label(Metric::latency, 15000) == "15ms");
    CHECK(limit_label(Metric::interarrival, 100000) == "100ms");
    CHECK(limit_label(Metric::outstanding_ios, 64) == "64");
    CHECK(bucket_label(Metric::io_length, std::nullopt, 524288) == ">512K");
    // IO-length buckets as the sizes they hold (issue 13): "one byte short"
    // limits are ranges, and only 4095/8191 are provably not 4 KiB multiples.
    CHECK(bucket_label(Metric::io_length, 512, std::nullopt) == "512B");
    CHECK(bucket_label(Metric::io_length, 1024, 512) == "512B\u20131K");
    CHECK(bucket_label(Metric::io_length, 4095, 2048) == "2\u20134K (unaligned)");
    CHECK(bucket_label(Metric::io_length, 4096, 4095) == "4K");
    CHECK(bucket_label(Metric::io_length, 8191, 4096) == "4\u20138K (unaligned)");
    CHECK(bucket_label(Metric::io_length, 16383, 8192) == "8\u201316K");
    CHECK(bucket_label(Metric::io_length, 32768, 16384) == "16\u201332K");
    CHECK(bucket_label(Metric::io_length, 65535, 49152) == "48\u201364K");
    CHECK(bucket_tick_label(Metric::io_length, 4095, 2048) == "2\u20134K");
    CHECK(bucket_label(Metric::latency, 15000, 5000) == "15ms");
}

TEST_CASE("gnuplot strings are quoted, so VM names cannot break the program", "[charts]") {
    CHECK(gnuplot_quote("SQL \"prod\" \\ 01") == "\"SQL \\\"prod\\\" \\\\ 01\"");
    CHECK(gnuplot_quote("a\nb") == "\"a b\"");
}

TEST_CASE("the series keeps every sample's histograms and bounds memory by merging", "[charts]") {
    const auto c = collect(10, 5);
    REQUIRE(c.disks().size() == 1);
    const auto& s = c.disks()[0];
    CHECK(s.points.size() == 10);
    CHECK(s.filtered_samples == 2);
    CHECK(s.stats.iops[0].n == 8);  // stats cover analyzed samples only
    CHECK(s.stats.iops[0].min > 500);
    CHECK_FALSE(s.points[4].analyzed());
    CHECK(s.points[0].iops(Direction::total) == Approx(1000).epsilon(0.05));
    const auto slot = *slot_of(Metric::io_length, Direction::total);
    CHECK(s.limits[slot] == HistogramLimits(esxi_bucket_limits(Metric::io_length)));
    CHECK(c.all_disks().points.size() == 10);

    // 1000 samples with at most 100 points: merged pairwise, nothing lost.
    const auto big = collect(1000, 0, 100);
    const auto& b = big.disks()[0];
    CHECK(b.points.size() <= 200);
    std::uint64_t ios = 0, samples = 0;
    for (const auto& p : b.points) ios += p.ios[0], samples += p.samples;
    CHECK(samples == 1000);
    std::uint64_t expected = 0;
    for (std::size_t i = 1; i <= 1000; ++i)
        expected += make_sample(i, busy()).data.disks[0].slots[slot].count;
    CHECK(ios == expected);
    CHECK(downsample(b.points, 50).size() <= 50);
}

TEST_CASE("surface script: three direction surfaces, colors, units, filtered samples gray",
          "[charts]") {
    const auto c = collect(12, 4);
    const auto script = surface_chart_script(c.disks()[0], Metric::io_length, ImageFormat::png,
                                             "IO length - scsi0:0");
    CHECK_THAT(script, Contains("set terminal pngcairo noenhanced"));
    CHECK(count(script, "splot $") == 3);
    for (auto color : {"#08519c", "#006d2c", "#a50f15"})
        CHECK_THAT(script, Contains(color));  // blue, green, red
    CHECK_THAT(script, Contains("\"2\u20134K\" 3"));
    CHECK_THAT(script, Contains("\">512K\" 17"));
    CHECK_THAT(script, Contains("gray: samples filtered out as idle"));
    CHECK_THAT(script, Contains("IOs per second"));
    CHECK_THAT(script, Contains("time since first sample (min)"));
    // 12 points x 18 buckets per direction, color 0.5 (gray) on the 3 idle samples' rows.
    const std::regex row(R"(\n(\d+) [\d.]+ [\d.e+-]+ 0\.5\n)");
    CHECK(std::distance(std::sregex_iterator(script.begin(), script.end(), row),
                        std::sregex_iterator()) > 0);

    const auto seek =
        surface_chart_script(c.disks()[0], Metric::seek_distance, ImageFormat::svg, "seek");
    CHECK_THAT(seek, Contains("set terminal svg"));
    CHECK_THAT(seek, Contains("\"+1\""));
    CHECK_THAT(seek, Contains("\"-1\""));
    CHECK_THAT(seek, Contains("+1 = sequential"));
    const auto lat = surface_chart_script(c.disks()[0], Metric::latency, ImageFormat::png, "lat");
    CHECK_THAT(lat, Contains("\"100\u00b5s\""));
    CHECK_THAT(lat, Contains("\"15ms\""));
    const auto all_busy =
        surface_chart_script(collect(3, 0).disks()[0], Metric::io_length, ImageFormat::png, "t");
    CHECK_THAT(all_busy, !Contains("gray"));
}

TEST_CASE("a single sample becomes a band; a missing direction leaves its panel empty",
          "[charts]") {
    auto c = collect(1, 0);
    auto s = c.disks()[0];
    const auto script = surface_chart_script(s, Metric::io_length, ImageFormat::png, "one");
    // Two rows (start and end of the interval) of 18 buckets per direction.
    const auto block = script.substr(script.find("$total << EOD"),
                                     script.find("EOD\n$read") - script.find("$total << EOD"));
    CHECK(count(block, "\n") == 1 + 2 * 18 + 2);
    s.limits[*slot_of(Metric::io_length, Direction::read)] = {};
    for (auto& p : s.points) p.freqs[*slot_of(Metric::io_length, Direction::read)].clear();
    CHECK_THAT(surface_chart_script(s, Metric::io_length, ImageFormat::png, "x"),
               Contains("set multiplot next"));
}

TEST_CASE("time series script: avg/min/max in the key, filtered runs shaded", "[charts]") {
    const auto c = collect(12, 4);
    const auto script = time_series_chart_script(c.disks()[0], ImageFormat::png, "ts");
    CHECK_THAT(script, Contains("filtered out (idle)"));
    CHECK(count(script, " rect from ") == 3);
    const std::regex stat("Total: avg [0-9.]+ min [0-9.]+ max [0-9.]+");
    CHECK(std::regex_search(script, stat));
    CHECK_THAT(script, Contains("Write p99: avg"));
    CHECK_THAT(script, Contains("timedate"));
    const auto busy_only =
        time_series_chart_script(collect(3, 0).disks()[0], ImageFormat::svg, "ts");
    CHECK_THAT(busy_only, !Contains("filtered out"));
}

TEST_CASE("time axis: tic labels never repeat, in the zone the rest of the output uses",
          "[charts]") {
    auto series = [](std::size_t n, double seconds) {
        SampleSeriesCollector c(480);
        for (std::size_t i = 1; i <= n; ++i) c.on_sample(make_sample(i, busy(), seconds), true);
        return time_series_chart_script(c.disks()[0], ImageFormat::png, "ts");
    };
    // A 2-minute job of 1 s samples: seconds on the labels, a tic every 15 s.
    const auto short_job = series(120, 1);
    CHECK_THAT(short_job, Contains("set format x \"%H:%M:%S\" timedate"));
    CHECK_THAT(short_job, Contains("set xtics 15\n"));
    CHECK_THAT(short_job, Contains("(times in UTC)"));
    // Two hours of minutes: minutes on the labels, a tic every 15 min.
    const auto hours = series(120, 60);
    CHECK_THAT(hours, Contains("set format x \"%H:%M\" timedate"));
    CHECK_THAT(hours, Contains("set xtics 900\n"));
    // Three days: the date too.
    CHECK_THAT(series(72, 3600), Contains("\"%m-%d %H:%M\""));
}

TEST_CASE("chart set: a time series and five surfaces per disk", "[charts]") {
    const auto c = collect(6, 3);
    AnalysisResult r;
    r.job_id = "j";
    r.disks.push_back({kDisk, "SQL01", {}});
    const auto specs = job_chart_specs(r, c, ImageFormat::png);
    REQUIRE(specs.size() == 6);
    CHECK(specs[0].name == "scsi0_0-wg2099979-timeseries");
    CHECK(specs[1].name == "scsi0_0-wg2099979-iolength-3d");
    CHECK_THAT(specs[1].title, Contains("of SQL01"));
    CHECK(specs[5].name == "scsi0_0-wg2099979-interarrival-3d");
}

TEST_CASE("base64 follows RFC 4648", "[report]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode(std::string("\xff\x00\x80", 3)) == "/wCA");
}

TEST_CASE("the HTML report is self-contained and escapes what users typed", "[report]") {
    AnalysisResult r;
    r.job_id = "job<1>";
    DiskAccumulator acc;
    REQUIRE(acc.add(synthesize_interval(busy(), kDisk, 60, 1)).has_value());
    r.total = compute_metrics(acc, 60, PercentileMethod::bucket_upper_bound);
    r.disks.push_back({kDisk, "<script>alert(1)</script>", r.total});
    r.samples_total = r.samples_analyzed = 1;
    r.warnings.push_back("job 'x' is stopped with 3 of 10 samples");
    r.recommendations.push_back(
        {"unaligned_io", Severity::warning, "job", "10% unaligned", "<8K 10%", "check alignment"});
    JobMeta meta;
    meta.job_id = r.job_id;
    meta.targets.push_back({"<script>alert(1)</script>", 2099979, "", {}});
    RenderedChart chart{{"c1", "Chart & title", "caption", "job", ""}, ImageFormat::png, "\x89PNG"};
    const auto html =
        render_job_report({&r, &meta, {chart}, {}, "[global]\nrw=randrw\n", "/tmp/j.fio"});
    CHECK_THAT(html, Contains("<!DOCTYPE html>"));
    CHECK_THAT(html, Contains("Content-Security-Policy"));
    CHECK_THAT(html, Contains("default-src 'none'"));
    CHECK_THAT(html, !Contains("<script>"));
    CHECK_THAT(html, Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK_THAT(html, Contains("job&lt;1&gt;"));
    CHECK_THAT(html, Contains("src=\"data:image/png;base64,iVBORw==\""));
    CHECK_THAT(html, Contains("Chart &amp; title"));
    CHECK_THAT(html, Contains("Read before using these numbers"));
    CHECK_THAT(html, Contains("3 of 10 samples"));
    CHECK_THAT(html, Contains("badge warning"));
    CHECK_THAT(html, Contains("&lt;8K 10%"));
    CHECK_THAT(html, Contains("rw=randrw"));
    CHECK_THAT(html, Contains("Samples and the idle filter"));
    CHECK_THAT(html, !Contains("http://"));
    CHECK_THAT(html, !Contains("https://"));
    // Direction colours mark the tiles (a top rule), never the figures (green/red read as
    // good/bad).
    CHECK_THAT(html, Contains("<div class=\"card read\"><div class=\"v\">"));
    CHECK_THAT(html, Contains("<div class=\"card write\"><div class=\"v\">"));
    CHECK_THAT(html, !Contains("class=\"v read\"") && !Contains(".read { color"));
    // A short job's period in the unit that fits, times with their zone.
    r.first_start = kStart;
    r.last_end = kStart + std::chrono::seconds(90);
    const auto short_job = render_job_report({&r, &meta, {}, {}, "", ""});
    CHECK_THAT(short_job, Contains("2026-11-02T08:00:00Z to 2026-11-02T08:01:30Z (1 min 30 s)"));
    CHECK_THAT(short_job, !Contains("(0.0 h)"));
    // Missing charts are explained, not silently absent.
    const auto no_charts =
        render_job_report({&r, &meta, {}, {"charts not drawn: gnuplot was not found"}, "", ""});
    CHECK_THAT(no_charts, Contains("gnuplot was not found"));
    CHECK_THAT(no_charts, Contains("No fio job"));
}

TEST_CASE("compare: figure deltas, statements of what changed, distribution distance",
          "[compare]") {
    WorkloadModel before = busy(), after = busy();
    before.write_latency_us = 20000;
    after.write_latency_us = 2000;
    after.read_fraction = 0.5;
    auto metrics = [](const WorkloadModel& m) {
        DiskAccumulator acc;
        REQUIRE(acc.add(synthesize_interval(m, kDisk, 60, 3)).has_value());
        return compute_metrics(acc, 60, PercentileMethod::bucket_upper_bound);
    };
    const auto a = metrics(before), b = metrics(after);
    const auto c = compare_profiles(a, b);
    const FigureDelta* p99w = nullptr;
    for (const auto& f : c.figures)
        if (f.a.key == "latency_ms.write.p99") p99w = &f;
    REQUIRE(p99w != nullptr);
    CHECK(p99w->changed);
    CHECK(p99w->delta < 0);
    const std::regex statement(
        "p99 write latency [0-9.]+ \u2192 [0-9.]+ ms, \u2212[0-9]+% \\(better\\)");
    CHECK(std::regex_search(p99w->statement, statement));
    bool read_share = false;
    for (const auto& s : c.changes)
        read_share = read_share || s.find("read share 70.0 \u2192 50.0%, \u221220.0 points") == 0;
    CHECK(read_share);
    // Same workload: nothing changed.
    CHECK(compare_profiles(a, a).changes.empty());
    // A distribution that moved is named with the bucket that moved most.
    bool latency_shift = false;
    for (const auto& d : c.distributions)
        if (d.metric == Metric::latency && d.direction == Direction::write)
            latency_shift = d.changed && d.tvd > 0.5;
    CHECK(latency_shift);
}

TEST_CASE("total variation distance", "[compare]") {
    auto share = [](std::string key, double pct) {
        BucketShare b;
        b.key = std::move(key);
        b.percent = pct;
        return b;
    };
    CHECK(total_variation_distance({share("4096", 100)}, {share("4096", 100)}) == Approx(0));
    CHECK(total_variation_distance({share("4096", 100)}, {share("8192", 100)}) == Approx(1));
    CHECK(total_variation_distance({share("4096", 50), share("8192", 50)},
                                   {share("4096", 80), share("8192", 20)}) == Approx(0.3));
    CHECK(std::isnan(total_variation_distance({}, {share("4096", 100)})));
}
