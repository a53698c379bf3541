#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "fixtures.hpp"
#include "format/vscsistats_csv.hpp"
#include "report/csv_export.hpp"
#include "report/human_summary.hpp"
#include "report/ndjson_export.hpp"
#include "report/summary_json.hpp"
#include "util/json_text.hpp"

using namespace vscsi;

namespace {
Sample real_sample_record() {
    Sample s;
    s.header = {3,
                *parse_iso8601("2026-05-01T10:00:00Z"),
                *parse_iso8601("2026-05-01T10:01:00Z"),
                "",
                false,
                {}};
    s.data = parse_vscsistats_csv_or_throw(test::real_sample());
    return s;
}
}  // namespace

TEST_CASE("tidy CSV has one row per bucket with bounds", "[export]") {
    std::ostringstream out;
    CsvExporter csv(out, "job,1");
    const auto s = real_sample_record();
    csv.on_sample(s, true);
    std::size_t buckets = 0;
    for (const auto& h : s.data.disks[0].slots) buckets += h.frequencies.size();
    CHECK(csv.rows() == buckets);
    std::istringstream in(out.str());
    std::string header, first, line, last;
    std::getline(in, header);
    std::getline(in, first);
    while (std::getline(in, line)) last = line;
    CHECK(header.rfind("job_id,sample,start,end,seconds,analyzed,", 0) == 0);
    // job id with a comma is quoted; first bucket has no lower bound
    CHECK(first ==
          "\"job,1\",3,2026-05-01T10:00:00Z,2026-05-01T10:01:00Z,60,1,2099979,8194,scsi0:0,io_"
          "length,total,bytes,0,,512,42,793,5332");
    // overflow bucket has no upper bound
    CHECK_THAT(last, Catch::EndsWith(",interarrival,write,us,10,100000,,110,789,737636714"));
}

TEST_CASE("NDJSON follows k6's Metric-then-Point lines with tags", "[export]") {
    std::ostringstream out;
    JobMeta meta;
    meta.job_id = "j";
    meta.host.hostname = "esxi01";
    meta.targets = {{"SQL-01", 2099979, "", {}}};
    meta.tags = {{"team", "storage"}, {"job", "user-tag-loses"}};
    NdjsonExporter nd(out, meta, "run-1");
    nd.on_sample(real_sample_record(), false);
    std::istringstream in(out.str());
    std::string line;
    std::set<std::string> declared;
    std::size_t points = 0;
    while (std::getline(in, line)) {
        const auto v = boost::json::parse(line).as_object();
        const std::string metric(v.at("metric").as_string());
        if (v.at("type").as_string() == "Metric") {
            CHECK(declared.insert(metric).second);
            CHECK(v.at("data").at("type").as_string() == "gauge");
            continue;
        }
        REQUIRE(v.at("type").as_string() == "Point");
        CHECK(declared.count(metric) == 1);  // declared before its first point
        const auto& tags = v.at("data").at("tags").as_object();
        CHECK(tags.at("job").as_string() == "j");
        CHECK(tags.at("host").as_string() == "esxi01");
        CHECK(tags.at("vm").as_string() == "SQL-01");
        CHECK(tags.at("disk").as_string() == "scsi0:0");
        CHECK(tags.at("run_id").as_string() == "run-1");
        CHECK(tags.at("team").as_string() == "storage");
        CHECK(tags.at("analyzed").as_string() == "false");
        CHECK(v.at("data").at("time").as_string() == "2026-05-01T10:01:00Z");
        if (metric == "vscsi_iops" && tags.at("direction").as_string() == "write")
            CHECK(v.at("data").at("value").to_number<double>() ==
                  Catch::Detail::Approx(789 / 60.0).epsilon(1e-6));
        ++points;
    }
    CHECK(points == nd.points());
    CHECK(declared.size() == 6);
}

TEST_CASE("summary.json has the contract shape and states percentile methods", "[export]") {
    const auto s = real_sample_record();
    DiskAccumulator acc;
    REQUIRE(acc.add(s.data.disks[0]).has_value());
    AnalysisResult r;
    r.job_id = "j";
    r.samples_total = 4;
    r.samples_analyzed = 1;
    r.filter.method = FilterMethod::percentile;
    r.filter.threshold = 75;
    r.total = compute_metrics(acc, 60, PercentileMethod::interpolate);
    const auto j = summary_to_json(r, {{"fio", "x.fio"}});
    for (auto k : {"job_id", "analyzed_at", "filter", "metrics", "disks", "warnings", "outputs"})
        CHECK(j.contains(k));
    const auto& f = j.at("filter").as_object();
    CHECK(f.at("method").as_string() == "percentile");
    CHECK(f.at("samples_filtered").to_number<std::uint64_t>() == 3);
    const auto& m = j.at("metrics").as_object();
    for (auto k : {"iops", "read_percent", "throughput_mbps", "block_size_distribution",
                   "sequential_percent", "queue_depth", "latency_ms"})
        CHECK(m.contains(k));
    CHECK(m.at("iops").at("write").to_number<double>() == Catch::Detail::Approx(13.15));
    CHECK(m.at("block_size_distribution").at("read").at("32768").to_number<double>() ==
          Catch::Detail::Approx(75));
    CHECK(m.at("queue_depth").at("percentile_method").as_string() == "interpolate");
    CHECK(m.at("latency_ms").at("read").at("percentile_method").as_string() == "interpolate");
    for (auto k : {"mean", "p50", "p95", "p99"})
        CHECK(m.at("latency_ms").at("write").as_object().contains(k));
}

TEST_CASE(
    "a wide job: summary.json written a disk per line, the printed summary the busiest "
    "disks",
    "[export][width]") {
    const auto s = real_sample_record();
    DiskAccumulator acc;
    REQUIRE(acc.add(s.data.disks[0]).has_value());
    AnalysisResult r;
    r.job_id = "wide";
    r.samples_total = r.samples_analyzed = 1;
    r.total = compute_metrics(acc, 60, PercentileMethod::interpolate);
    // 40 disks, each with the real sample's histograms scaled by its number:
    // disk k does (k + 1) x the real IOs.
    for (int k = 0; k < 40; ++k) {
        auto d = s.data.disks[0];
        d.disk.handle_id = 8194 + k;
        d.disk.label = "scsi0:" + std::to_string(k);
        for (auto& h : d.slots) {
            for (auto& f : h.frequencies) f *= static_cast<std::uint64_t>(k + 1);
            h.count *= static_cast<std::uint64_t>(k + 1);
        }
        DiskAccumulator one;
        REQUIRE(one.add(d).has_value());
        r.disks.push_back({d.disk, "", compute_metrics(one, 60, PercentileMethod::interpolate)});
    }

    std::ostringstream pretty, compact;
    write_summary_json(pretty, r, {{"fio", "x.fio"}}, true);
    write_summary_json(compact, r, {{"fio", "x.fio"}}, false);
    // The streamed document is the one summary_to_json builds, in either layout.
    // (Compared as written: integral figures print as integers, NaN as null.)
    const auto whole = boost::json::parse(compact_json(summary_to_json(r, {{"fio", "x.fio"}})));
    CHECK(boost::json::parse(pretty.str()) == whole);
    CHECK(boost::json::parse(compact.str()) == whole);
    CHECK(compact.str().find('\n') == std::string::npos);
    // One line per disk, and per disk the figures without the notes.
    const auto text = pretty.str();
    CHECK(std::count(text.begin(), text.end(), '\n') < 200);
    const auto& disk = whole.at("disks").at(0).at("metrics").as_object();
    CHECK_FALSE(disk.contains("percentile_method"));
    CHECK_FALSE(disk.contains("not_measured"));
    CHECK_FALSE(disk.at("latency_ms").at("read").as_object().contains("percentile_method"));
    CHECK(disk.at("block_size_distribution").at("read").at("32768").to_number<double>() ==
          Catch::Detail::Approx(75));
    CHECK(whole.at("metrics").at("latency_ms").at("read").at("percentile_method").as_string() ==
          "interpolate");
    CHECK(whole.at("disks_note").is_string());

    // Printed: the 16 busiest (the last disks, busiest first), then how to see the rest.
    const auto shown = human_summary(r, 16, "wide");
    CHECK(shown.find("Disk scsi0:39 ") < shown.find("Disk scsi0:38 "));
    CHECK(shown.find("Disk scsi0:24 ") != std::string::npos);
    CHECK(shown.find("Disk scsi0:23 ") == std::string::npos);
    CHECK_THAT(shown, Catch::Contains("... and 24 quieter disks (the 16 busiest are above): "
                                      "`vscsi analyze wide --show-disks all`"));
    const auto all = human_summary(r, std::numeric_limits<std::size_t>::max(), "wide");
    CHECK(all.find("Disk scsi0:0 ") != std::string::npos);
    CHECK(all.find("quieter") == std::string::npos);
}
