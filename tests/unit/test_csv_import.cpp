// `vscsi import` on real vscsiStats text: the time a print covers read from
// its interarrival histograms, several prints in one file (the hand-collection
// loop), spreadsheet-saved files.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "analysis/covered_time.hpp"
#include "app/csv_import.hpp"
#include "fixtures.hpp"
#include "format/vscsistats_csv.hpp"
#include "job/job_dir.hpp"
#include "job/sample_file.hpp"
#include "job/staged_job.hpp"

using namespace vscsi;
using Catch::Detail::Approx;

namespace {

// The real sample: 793 IOs, interarrival count x mean - max = 981.74 s.
constexpr double kRealSeconds = (793.0 * 733915974.5 - 581013626718.0) / 1e6;

VscsiStatsOutput real_print() {
    return parse_vscsistats_csv_or_throw(test::real_sample());
}

// The real sample as print `k` (1-based) of a collection that kept running:
// every count and bucket k times as large, and `step_s` more seconds of
// interarrival time per print after the first.
VscsiStatsOutput cumulative_print(int k, double step_s) {
    auto p = real_print();
    for (auto& d : p.disks)
        for (std::size_t s = 0; s < kSlotCount; ++s) {
            if (!d.present[s]) continue;
            auto& h = d.slots[s];
            const double sum = static_cast<double>(h.count) * static_cast<double>(h.mean);
            for (auto& f : h.frequencies) f *= static_cast<std::uint64_t>(k);
            h.count *= static_cast<std::uint64_t>(k);
            if (slot_info(s).metric == Metric::interarrival) {
                // The new IOs' gaps go to the 100-500 us bucket... not the point
                // here: only the sum matters, and it grows by step_s per print.
                const double grown = sum + (k - 1) * step_s * 1e6;
                h.mean = static_cast<std::int64_t>(grown / static_cast<double>(h.count));
            }
        }
    return p;
}

struct Imported {
    ImportResult result;
    std::vector<Sample> samples;
    JobMeta meta;
};

Imported import_files(const test::ScratchDir& tmp, ImportOptions o) {
    o.name = "imp";
    o.data_dir = tmp.path() / "data";
    o.start = *parse_iso8601("2026-03-01T10:00:00Z");
    Imported r{import_csv_files(o).value(), {}, {}};
    const JobDir dir(r.result.dir);
    r.meta = dir.load_meta();
    SampleCursor cur(dir);
    Sample s;
    while (cur.next(s).value()) r.samples.push_back(s);
    return r;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\n";
    return s;
}

}  // namespace

TEST_CASE("the time a print covers comes from its interarrival histogram", "[import][time]") {
    const auto t = covered_time_of_print(real_print());
    REQUIRE(t);
    CHECK(t->seconds == Approx(kRealSeconds).epsilon(1e-9));
    CHECK(t->seconds == Approx(981.74).margin(0.01));
    CHECK(t->uncertainty < 0.001);  // 793 IOs x 1 us of truncated mean
    CHECK_THAT(t->disk, Catch::Contains("scsi0:0"));

    SECTION("an idle disk tells nothing") {
        auto p = real_print();
        for (auto& h : p.disks[0].slots) {
            std::fill(h.frequencies.begin(), h.frequencies.end(), 0);
            h.count = h.mean = h.min = h.max = 0;
        }
        CHECK_FALSE(covered_time_of_print(p));
    }
    SECTION("between cumulative prints the first gap cancels out") {
        const auto b = covered_time_between(cumulative_print(1, 60), cumulative_print(2, 60));
        REQUIRE(b);
        CHECK(b->seconds == Approx(60).margin(b->uncertainty + 0.002));
        CHECK(continues_counters(cumulative_print(1, 60), cumulative_print(2, 60)));
        CHECK_FALSE(continues_counters(cumulative_print(2, 60), cumulative_print(1, 60)));
    }
}

TEST_CASE("import without --interval infers it from the data", "[import][time]") {
    test::ScratchDir tmp;
    test::write_text(tmp.path() / "real.csv", test::real_sample());
    ImportOptions o;
    o.files = {tmp.path() / "real.csv"};
    const auto r = import_files(tmp, o);
    REQUIRE(r.samples.size() == 1);
    CHECK(r.samples[0].header.seconds() == Approx(981.74).margin(0.01));
    CHECK(r.result.warnings.empty());
    CHECK_THAT(r.result.interval_note, Catch::Contains("inferred") && Catch::Contains("981.7 s"));
    REQUIRE(r.meta.import);
    CHECK(r.meta.import->interval_source == "inferred");
    CHECK(r.meta.import->series == "one print");
    CHECK(r.meta.profile.interval_seconds == Approx(981.74).margin(0.01));
}

TEST_CASE("a given --interval that the data contradict is used with a warning", "[import][time]") {
    test::ScratchDir tmp;
    test::write_text(tmp.path() / "real.csv", test::real_sample());
    ImportOptions o;
    o.files = {tmp.path() / "real.csv"};
    o.interval_seconds = 60;
    const auto r = import_files(tmp, o);
    CHECK(r.samples.at(0).header.seconds() == Approx(60));
    REQUIRE(r.result.warnings.size() == 1);
    CHECK_THAT(r.result.warnings[0], Catch::Contains("--interval 60 s disagrees") &&
                                         Catch::Contains("981.7 s") &&
                                         Catch::Contains("real.csv:1"));
    CHECK(r.meta.import->interval_source == "given");

    SECTION("within 20% it is taken silently") {
        test::ScratchDir tmp2;
        test::write_text(tmp2.path() / "real.csv", test::real_sample());
        o.files = {tmp2.path() / "real.csv"};
        o.interval_seconds = 1000;
        CHECK(import_files(tmp2, o).result.warnings.empty());
    }
}

TEST_CASE("three prints appended to one file are three samples", "[import][prints]") {
    test::ScratchDir tmp;
    std::string text;
    for (int k = 1; k <= 3; ++k) append_vscsistats_csv(text, cumulative_print(k, 60));
    test::write_text(tmp.path() / "loop.csv", text);
    ImportOptions o;
    o.files = {tmp.path() / "loop.csv"};

    SECTION("cumulative prints are detected and differenced") {
        const auto r = import_files(tmp, o);
        REQUIRE(r.samples.size() == 3);
        CHECK(r.meta.import->series == "cumulative");
        CHECK(r.meta.import->series_source == "detected");
        CHECK_THAT(r.result.series_note, Catch::Contains("3 prints taken as cumulative"));
        CHECK(r.samples[0].header.seconds() == Approx(981.74).margin(0.01));
        CHECK(r.samples[1].header.seconds() == Approx(60).margin(0.01));
        CHECK(r.samples[2].header.seconds() == Approx(60).margin(0.01));
        // Each difference is one real print's worth of IOs.
        for (const auto& s : r.samples)
            CHECK(s.data.disks.at(0).find(Metric::io_length, Direction::total)->count == 793);
        CHECK(format_iso8601(r.samples[2].header.start) == "2026-03-01T10:17:21.741Z");
        CHECK_THAT(r.samples[1].header.origin, Catch::Contains("loop.csv print 2 (line "));
        // The sample begun while the file was read (in case it held one print) is gone.
        std::size_t files = 0;
        for (const auto& e : std::filesystem::directory_iterator(r.result.dir / "samples"))
            files += e.path().filename().string().starts_with("sample-");
        CHECK(files == 3);
        CHECK(std::distance(std::filesystem::directory_iterator(r.result.dir / "samples"),
                            std::filesystem::directory_iterator{}) == 3);
    }
    SECTION("--reset-between-prints overrides the detection") {
        o.series = PrintSeries::reset;
        o.interval_seconds = 60;
        const auto r = import_files(tmp, o);
        REQUIRE(r.samples.size() == 3);
        CHECK(r.meta.import->series == "reset between prints");
        CHECK(r.meta.import->series_source == "given");
        CHECK(r.samples[2].data.disks.at(0).find(Metric::io_length, Direction::total)->count ==
              3 * 793);
    }
}

TEST_CASE("a sample begun while its print is read takes its header into the room kept for it",
          "[import][width]") {
    test::ScratchDir tmp;
    StagedJob staged(tmp.path() / "data", "room");
    SampleHeader h;
    h.seq = 1;
    h.origin = "host.csv";
    const std::string body = test::real_sample();
    {
        SampleBeingRead sample(staged, h);
        sample.writer().append(body);
        h.start = *parse_iso8601("2026-03-01T10:00:00.125Z");
        h.end = *parse_iso8601("2026-03-01T10:16:21.866Z");
        REQUIRE(sample.commit(h));
    }
    const auto text = test::read_text(staged.sample_path(1));
    Sample s;
    test::require_parsed(decode_sample(text, "sample-000001.csv", s));
    CHECK(format_iso8601(s.header.start) == "2026-03-01T10:00:00.125Z");
    CHECK(s.header.origin == "host.csv");
    CHECK(text.substr(text.find("Histogram:")) == body);
    CHECK(s.data.disks.size() == 1);
    // A header that outgrew the room (not one an import makes): the sample is
    // not committed, and the caller writes it another way.
    SampleBeingRead second(staged, h);
    second.writer().append(body);
    h.origin = std::string(200, 'x');
    CHECK_FALSE(second.commit(h));
}

TEST_CASE("prints whose counts go down are taken as reset between prints", "[import][prints]") {
    test::ScratchDir tmp;
    std::string text;
    append_vscsistats_csv(text, cumulative_print(2, 60));
    append_vscsistats_csv(text, real_print());
    test::write_text(tmp.path() / "reset.csv", text);
    ImportOptions o;
    o.files = {tmp.path() / "reset.csv"};
    const auto r = import_files(tmp, o);
    REQUIRE(r.samples.size() == 2);
    CHECK(r.meta.import->series == "reset between prints");
    CHECK(r.samples[1].header.seconds() == Approx(981.74).margin(0.01));
    CHECK(r.samples[1].data.disks.at(0).find(Metric::io_length, Direction::total)->count == 793);

    SECTION("a restart inside a cumulative series is said") {
        test::ScratchDir tmp2;
        std::string t2;
        append_vscsistats_csv(t2, cumulative_print(1, 60));
        append_vscsistats_csv(t2, cumulative_print(2, 60));
        append_vscsistats_csv(t2, real_print());
        append_vscsistats_csv(t2, cumulative_print(2, 60));
        test::write_text(tmp2.path() / "restart.csv", t2);
        o.files = {tmp2.path() / "restart.csv"};
        const auto r2 = import_files(tmp2, o);
        CHECK(r2.meta.import->series == "cumulative");
        CHECK_THAT(joined(r2.result.warnings),
                   Catch::Contains("counters went down at 1 of 4 prints") &&
                       Catch::Contains("restart.csv:"));
    }
}

TEST_CASE("a CSV re-saved by a spreadsheet imports like the original", "[import][format]") {
    test::ScratchDir tmp;
    std::string padded = "\xEF\xBB\xBF";
    const auto text = test::real_sample();
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        padded += text.substr(pos, nl - pos) + ",,,,\r\n";
        pos = nl + 1;
    }
    padded += ",,,,,\r\n";
    test::write_text(tmp.path() / "excel.csv", padded);
    ImportOptions o;
    o.files = {tmp.path() / "excel.csv"};
    const auto r = import_files(tmp, o);
    REQUIRE(r.samples.size() == 1);
    CHECK(format_vscsistats_csv(r.samples[0].data) == format_vscsistats_csv(real_print()));

    SECTION("errors still name the line and field") {
        test::ScratchDir tmp2;
        auto bad = padded;
        bad.replace(bad.find("count,793,,,,"), 9, "count,7x3");
        test::write_text(tmp2.path() / "excel.csv", bad);
        o.files = {tmp2.path() / "excel.csv"};
        o.name = "bad";
        o.data_dir = tmp2.path() / "data";
        const auto res = import_csv_files(o);
        REQUIRE_FALSE(res.has_value());
        CHECK_THAT(res.error().message(), Catch::Contains("excel.csv:5: count:"));
    }
}

TEST_CASE("a print with too few IOs needs --interval and says so", "[import][time]") {
    test::ScratchDir tmp;
    auto p = real_print();
    for (auto& h : p.disks[0].slots) {
        std::fill(h.frequencies.begin(), h.frequencies.end(), 0);
        h.count = h.mean = h.min = h.max = 0;
    }
    test::write_text(tmp.path() / "idle.csv", format_vscsistats_csv(p));
    ImportOptions o;
    o.files = {tmp.path() / "idle.csv"};
    o.name = "idle";
    o.data_dir = tmp.path() / "data";
    const auto r = import_csv_files(o);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ErrorKind::usage);
    CHECK_THAT(r.error().message(),
               Catch::Contains("cannot tell how long") && Catch::Contains("--interval SECONDS"));
    CHECK_FALSE(std::filesystem::exists(o.data_dir / "jobs" / "idle"));
}

TEST_CASE("cumulative files with --interval: the first is a baseline, not an interval",
          "[import][prints]") {
    // `vscsi import day1-*.csv --interval 60 --cumulative`: three files of one
    // running collection, the first printed long after -s.
    test::ScratchDir tmp;
    ImportOptions o;
    for (int k = 1; k <= 3; ++k) {
        std::string text;
        append_vscsistats_csv(text, cumulative_print(k, 60));
        const auto f = tmp.path() / fmt::format("day1-{}.csv", k);
        test::write_text(f, text);
        o.files.push_back(f);
    }
    o.interval_seconds = 60;
    o.series = PrintSeries::cumulative;
    SECTION("its span since -s comes from its interarrival histograms") {
        const auto r = import_files(tmp, o);
        REQUIRE(r.samples.size() == 3);
        CHECK(r.samples[0].header.seconds() == Approx(kRealSeconds).margin(0.01));  // not 60
        CHECK(r.samples[1].header.seconds() == Approx(60).margin(0.01));
        CHECK_THAT(r.result.interval_note,
                   Catch::Contains("every print after the first") &&
                       Catch::Contains("the first print covers 981.7 s since vscsiStats -s"));
    }
    SECTION("when its histograms cannot tell, it is only the baseline") {
        // Too few IOs to infer a span: one IO in the first print.
        test::ScratchDir tmp2;
        ImportOptions few = o;
        auto first = cumulative_print(1, 60);
        for (auto& d : first.disks)
            for (std::size_t s = 0; s < kSlotCount; ++s) {
                if (!d.present[s]) continue;
                auto& h = d.slots[s];
                std::fill(h.frequencies.begin(), h.frequencies.end(), 0);
                h.count = 0;
                h.mean = 0;
            }
        std::string text;
        append_vscsistats_csv(text, first);
        test::write_text(o.files[0], text);
        const auto r = import_files(tmp2, few);
        REQUIRE(r.samples.size() == 2);  // prints 2 and 3, as differences
        CHECK(r.samples[0].header.seq == 1);
        CHECK(r.samples[0].header.seconds() == Approx(60).margin(0.01));
        CHECK(r.samples[0].data.disks.at(0).find(Metric::io_length, Direction::total)->count ==
              2 * 793);
        CHECK_THAT(joined(r.result.warnings),
                   Catch::Contains("day1-1.csv") && Catch::Contains("is the baseline"));
    }
}

TEST_CASE("one wide print is imported as read: its bytes are the sample, each disk a target once",
          "[import][width]") {
    test::ScratchDir tmp;
    // 300 disks of 100 VMs, written as two appended type-prints (every disk's
    // first half of histograms, then every disk's second half): runs of one
    // disk come twice, the print is still one.
    const auto one = test::real_sample();
    const auto cut = one.find("Histogram: latency of IOs");
    std::string first_half, second_half;
    for (int vm = 0; vm < 100; ++vm)
        for (int k = 0; k < 3; ++k) {
            auto d = one;
            for (auto [from, to] :
                 {std::pair<std::string, std::string>{"2099979", std::to_string(3000000 + vm)},
                  {"8194 (scsi0:0)", fmt::format("{} (scsi0:{})", 8194 + k, k)}})
                for (auto p = d.find(from); p != std::string::npos; p = d.find(from, p + to.size()))
                    d.replace(p, from.size(), to);
            const auto c = d.find("Histogram: latency of IOs");
            first_half += d.substr(0, c);
            second_half += d.substr(c);
        }
    REQUIRE(cut != std::string::npos);
    const auto text = first_half + second_half;
    test::write_text(tmp.path() / "host.csv", text);
    ImportOptions o;
    o.files = {tmp.path() / "host.csv"};
    o.interval_seconds = 60;
    const auto r = import_files(tmp, o);
    REQUIRE(r.samples.size() == 1);
    CHECK(r.samples[0].data.disks.size() == 300);
    REQUIRE(r.meta.targets.size() == 100);
    for (const auto& t : r.meta.targets) CHECK(t.disks.size() == 3);
    CHECK(r.meta.targets[99].world_group_id == 3000099);
    CHECK(r.meta.targets[99].disks[2].label == "scsi0:2");
    // The sample's histograms are the input's bytes, after the header lines.
    const auto sample = test::read_text(r.result.dir / "samples" / "sample-000001.csv");
    CHECK(sample.substr(sample.find("Histogram:")) == text);
    CHECK(test::read_text(r.result.dir / "raw" / "0001-host.csv") == text);
    // Written while the input was read, its header filled in after: the times
    // the import chose, the room left over a comment line; nothing else left.
    CHECK(format_iso8601(r.samples[0].header.start) == "2026-03-01T10:00:00Z");
    CHECK(format_iso8601(r.samples[0].header.end) == "2026-03-01T10:01:00Z");
    CHECK(r.samples[0].header.origin == "host.csv");
    const auto header = sample.substr(0, sample.find("Histogram:"));
    CHECK(header.starts_with("# vscsi-sample: 1\n# seq: 1\n# start: 2026-03-01T10:00:00Z\n"));
    CHECK(header.ends_with(" \n"));
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(r.result.dir / "samples"))
        names.push_back(e.path().filename().string());
    CHECK(names == std::vector<std::string>{"sample-000001.csv"});
}
