#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "format/printable_text.hpp"
#include "format/vscsistats_csv.hpp"

using namespace vscsi;

namespace {

VscsiStatsOutput parse_ok(const std::string& text) {
    VscsiStatsOutput out;
    test::require_parsed(parse_vscsistats_csv(text, out, {"sample.csv"}));
    return out;
}

ParseError parse_fail(const std::string& text) {
    VscsiStatsOutput out;
    return test::parse_failure(parse_vscsistats_csv(text, out, {"bad.csv"}));
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
        s.replace(p, from.size(), to);
    return s;
}

std::string first_lines(const std::string& s, std::size_t n) {
    std::size_t pos = 0;
    for (std::size_t i = 0; i < n && pos != std::string::npos; ++i) pos = s.find('\n', pos + 1);
    return s.substr(0, pos == std::string::npos ? s.size() : pos + 1);
}

// The real disk (A) and a copy as scsi0:1 (B), and the two interleaved: A's
// first half of histograms, B's first half, A's second half, B's second half.
struct TwoDisks {
    std::string one, two, mixed;
};
TwoDisks interleaved_disks() {
    TwoDisks t;
    t.one = test::real_sample();
    t.two = replace_all(t.one, "handleID,8194 (scsi0:0)", "handleID,8195 (scsi0:1)");
    const auto cut1 = t.one.find("Histogram: latency of IOs");
    const auto cut2 = t.two.find("Histogram: latency of IOs");
    t.mixed =
        t.one.substr(0, cut1) + t.two.substr(0, cut2) + t.one.substr(cut1) + t.two.substr(cut2);
    return t;
}

}  // namespace

TEST_CASE("real vscsiStats output parses into 16 histograms of one disk", "[format]") {
    const auto out = parse_ok(test::real_sample());
    REQUIRE(out.disks.size() == 1);
    const auto& d = out.disks[0];
    CHECK(d.disk.world_group_id == 2099979);
    CHECK(d.disk.handle_id == 8194);
    CHECK(d.disk.label == "scsi0:0");
    for (std::size_t s = 0; s < kSlotCount; ++s) CHECK(d.present[s]);

    const auto* len = d.find(Metric::io_length, Direction::total);
    REQUIRE(len);
    CHECK(len->count == 793);
    CHECK(len->min == 512);
    CHECK(len->max == 65536);
    CHECK(len->mean == 5332);
    CHECK(len->limits.size() == 17);
    CHECK(len->frequencies.size() == 18);
    CHECK(len->frequencies[4] == 608);  // <= 4096
    CHECK(len->overflow() == 0);
    CHECK(d.find(Metric::io_length, Direction::read)->count == 4);
    CHECK(d.find(Metric::io_length, Direction::write)->count == 789);

    const auto* seek = d.find(Metric::seek_distance, Direction::total);
    REQUIRE(seek->limits.front() == -500000);
    CHECK(seek->min == -75814717);
    // bucket (0, 1] = exactly +1 LBN = sequential
    const auto it = std::find(seek->limits.begin(), seek->limits.end(), 1);
    CHECK(seek->frequencies[static_cast<std::size_t>(it - seek->limits.begin())] == 213);
    CHECK(seek->overflow() == 137);

    const auto* oio = d.find(Metric::outstanding_ios, Direction::total);
    CHECK(oio->frequencies.front() == 551);
    CHECK(oio->limits.back() == 64);
    CHECK(oio->frequencies[oio->limits.size() - 1] == 12);
    CHECK(oio->max == 39);

    const auto* ia = d.find(Metric::interarrival, Direction::read);
    CHECK(ia->max == 581326407505);  // beyond 32 bits
    CHECK(ia->overflow() == 4);
    CHECK(d.header_line[0] == 1);
    CHECK(d.find(Metric::seek_distance_closest16, Direction::total)->count == 793);
}

TEST_CASE("writer reproduces real vscsiStats text byte for byte", "[format]") {
    const auto text = test::real_sample();
    CHECK(format_vscsistats_csv(parse_ok(text)) == text);
}

TEST_CASE("CRLF line ends, blank lines and trailing blanks are tolerated", "[format]") {
    auto text = replace_all(test::real_sample(), "\n", "\r\n");
    text = replace_all(text, "Histogram: latency of IOs", "\r\nHistogram: latency of IOs");
    const auto out = parse_ok(text);
    CHECK(out.disks.at(0).find(Metric::latency, Direction::total)->count == 793);
}

TEST_CASE("several disks and VMs in one output stay apart", "[format]") {
    const auto one = test::real_sample();
    const auto two = replace_all(one, "handleID,8194 (scsi0:0)", "handleID,8195 (scsi0:1)");
    const auto three = replace_all(one, "worldGroupID,2099979,virtual disk handleID,8194",
                                   "worldGroupID,2100417,virtual disk handleID,8201");
    const auto out = parse_ok(one + two + three);
    REQUIRE(out.disks.size() == 3);
    CHECK(out.disks[1].disk.label == "scsi0:1");
    CHECK(out.disks[2].disk.world_group_id == 2100417);
    CHECK(out.disks[2].header_line[0] > out.disks[1].header_line[15]);
}

TEST_CASE("disks whose histograms interleave, and a second print, keep their data apart",
          "[format]") {
    const auto [one, two, mixed] = interleaved_disks();
    const auto out = parse_ok(mixed);
    REQUIRE(out.disks.size() == 2);
    CHECK(format_vscsistats_csv(out) == format_vscsistats_csv(parse_ok(one + two)));
    // Appended prints (the hand-collection loop): the repeat starts a new print,
    // which finds its disks again from scratch.
    std::vector<VscsiStatsOutput> prints;
    test::require_parsed(parse_vscsistats_prints(mixed + one + two, prints, {}));
    REQUIRE(prints.size() == 2);
    CHECK(prints[1].disks.size() == 2);
    CHECK(format_vscsistats_csv(prints[1]) == format_vscsistats_csv(parse_ok(one + two)));
}

TEST_CASE("histograms in another order parse to the same data", "[format]") {
    const auto text = test::real_sample();
    const auto cut = text.find("Histogram: latency of IOs");
    const auto reordered = text.substr(cut) + text.substr(0, cut);
    const auto a = parse_ok(text), b = parse_ok(reordered);
    CHECK(format_vscsistats_csv(a) == format_vscsistats_csv(b));
}

TEST_CASE("a histogram without its overflow row or with truncated text is rejected with the line",
          "[format]") {
    const auto text = test::real_sample();
    SECTION("cut in the middle of the bucket rows") {
        const auto e = parse_fail(first_lines(text, 15));
        CHECK(e.line == 15);
        CHECK(e.field == "bucket row");
        CHECK_THAT(e.message(), Catch::Contains("truncated") && Catch::Contains("bad.csv:15"));
    }
    SECTION("cut after the min line") {
        const auto e = parse_fail(first_lines(text, 2));
        CHECK(e.field == "max");
        CHECK_THAT(e.message(), Catch::Contains("starts at line 1"));
    }
    SECTION("a new histogram starts before the overflow row") {
        auto lines =
            first_lines(text, 20) + text.substr(text.find("Histogram: IO lengths of Read"));
        const auto e = parse_fail(lines);
        CHECK(e.line == 21);
        CHECK_THAT(e.reason, Catch::Contains("overflow row"));
    }
}

TEST_CASE("lines out of order inside a histogram are rejected", "[format]") {
    auto text = replace_all(test::real_sample(), "min,512\nmax,65536", "max,65536\nmin,512");
    const auto e = parse_fail(text);
    CHECK(e.line == 2);
    CHECK(e.field == "min");
    CHECK_THAT(e.message(), Catch::Contains("bad.csv:2: min: expected 'min,<integer>'"));
}

TEST_CASE("garbage, empty and non-numeric inputs name what is wrong", "[format]") {
    SECTION("empty") {
        CHECK_THAT(parse_fail("").reason, Catch::Contains("no histograms found"));
    }
    SECTION("only blank lines") {
        CHECK(parse_fail("\n\r\n \n").line == 0);
    }
    SECTION("garbage") {
        const auto e = parse_fail("hello world\n");
        CHECK(e.line == 1);
        CHECK(e.field == "header");
    }
    SECTION("binary junk") {
        CHECK(parse_fail(std::string("\x01\x02\xff\n", 4)).line == 1);
    }
    SECTION("non-numeric count") {
        const auto e = parse_fail(replace_all(test::real_sample(), "count,793\n", "count,79x3\n"));
        CHECK(e.line == 5);
        CHECK(e.field == "count");
    }
    SECTION("negative frequency") {
        const auto e = parse_fail(replace_all(test::real_sample(), "42,512\n", "-42,512\n"));
        CHECK(e.line == 7);
        CHECK(e.field == "bucket row");
    }
    SECTION("limits going down") {
        const auto e = parse_fail(replace_all(test::real_sample(), "1,1024\n", "1,100\n"));
        CHECK(e.line == 8);
        CHECK_THAT(e.reason, Catch::Contains("limits must increase"));
    }
    SECTION("frequencies that do not add up to count") {
        const auto e = parse_fail(replace_all(test::real_sample(), "608,4096\n", "607,4096\n"));
        CHECK(e.field == "count");
        CHECK_THAT(e.reason, Catch::Contains("add up to 792 but its count is 793"));
    }
    SECTION("unknown histogram title") {
        const auto e = parse_fail(
            replace_all(test::real_sample(), "IO lengths of commands", "IO sizes of commands"));
        CHECK(e.line == 1);
        CHECK(e.field == "histogram title");
    }
    SECTION("duplicate histogram for the same disk") {
        const auto t = test::real_sample();
        const auto e = parse_fail(t + first_lines(t, 24));
        CHECK_THAT(e.reason, Catch::Contains("appears twice (first at line 1)"));
    }
    SECTION("header without worldGroupID") {
        CHECK(parse_fail("Histogram: IO lengths of commands\nmin,1\n").field == "header");
    }
}

TEST_CASE("the count check can be relaxed for outputs printed while counters moved", "[format]") {
    const auto text = replace_all(test::real_sample(), "608,4096\n", "607,4096\n");
    VscsiStatsOutput out;
    CsvParseOptions opt;
    opt.require_count_match = false;
    test::require_parsed(parse_vscsistats_csv(text, out, opt));
}

TEST_CASE("empty histograms print zeros and still parse", "[format]") {
    const std::string t =
        "Histogram: IO lengths of Read commands,virtual machine worldGroupID,1,virtual disk "
        "handleID,2 (scsi0:0)\n"
        "min,0\nmax,0\nmean,0\ncount,0\nFrequency,Histogram Bucket Limit\n0,512\n0,1024\n0,1024\n";
    const auto out = parse_ok(t);
    CHECK(out.disks[0].find(Metric::io_length, Direction::read)->empty());
}

TEST_CASE("error line numbers account for an offset into a larger file", "[format]") {
    VscsiStatsOutput out;
    CsvParseOptions opt;
    opt.source = "x";
    opt.first_line = 10;
    const auto e = test::parse_failure(parse_vscsistats_csv("garbage\n", out, opt));
    CHECK(e.line == 10);
}

TEST_CASE("messages show bytes that are not printable UTF-8 as \\xNN", "[format][printable]") {
    CHECK(printable("j\xC3\xB6"
                    "b") ==
          "j\xC3\xB6"
          "b");                                         // valid UTF-8 stays
    CHECK(printable("j\xC3") == "j\\xC3");              // a lone lead byte
    CHECK(printable("\x1B[31mred") == "\\x1B[31mred");  // terminal escape
    CHECK(printable("\xC2\x9B"
                    "2J") == "\\xC2\\x9B2J");  // C1 CSI
    CHECK(printable("a\nb") == "a\\x0Ab");
    CHECK(printable("a\nb", true) == "a\nb");
    CHECK(printable("\xED\xA0\x80") == "\\xED\\xA0\\x80");  // a UTF-16 surrogate
    // A binary "CSV" is quoted safely in the parse error.
    VscsiStatsOutput out;
    const auto e =
        test::parse_failure(parse_vscsistats_csv("\x1B]0;pwned\x07\xFF\xFE", out, {"bin.csv"}));
    CHECK_THAT(e.reason, Catch::Contains("'\\x1B]0;pwned\\x07\\xFF\\xFE'"));
}

namespace {

// Keeps what a sink is handed: each run as its own one-disk output.
class RunCollector final : public VscsiStatsSink {
  public:
    void on_print(std::size_t first_line) override { print_lines.push_back(first_line); }
    void on_disk(const DiskHistograms& run, std::size_t position) override {
        runs.push_back(run);
        positions.push_back(position);
    }
    std::vector<std::size_t> print_lines;
    std::vector<DiskHistograms> runs;
    std::vector<std::size_t> positions;
};

ParseStatus stream_in_pieces(const std::string& text, std::size_t piece, RunCollector& sink,
                             bool several_prints = false) {
    VscsiStatsStreamParser parser(sink, {"bad.csv"}, several_prints);
    for (std::size_t at = 0; at < text.size(); at += piece)
        if (auto e = parser.feed(std::string_view(text).substr(at, piece)); !e) return e;
    return parser.finish();
}

}  // namespace

TEST_CASE("the streaming parser, fed in pieces of any size, hands over the same disks",
          "[format][stream]") {
    const auto one = test::real_sample();
    const auto two = replace_all(one, "handleID,8194 (scsi0:0)", "handleID,8195 (scsi0:1)");
    const auto whole = parse_ok(one + two);
    for (std::size_t piece : {1, 2, 3, 7, 64, 4096, 1 << 20}) {
        CAPTURE(piece);
        RunCollector sink;
        test::require_parsed(stream_in_pieces(one + two, piece, sink));
        REQUIRE(sink.runs.size() == 2);
        CHECK(sink.print_lines == std::vector<std::size_t>{1});
        for (std::size_t d = 0; d < 2; ++d) {
            CHECK(sink.runs[d].disk.label == whole.disks[d].disk.label);
            CHECK(sink.runs[d].present == whole.disks[d].present);
            CHECK(sink.runs[d].header_line == whole.disks[d].header_line);
            for (std::size_t s = 0; s < kSlotCount; ++s) {
                CHECK(sink.runs[d].slots[s].frequencies == whole.disks[d].slots[s].frequencies);
                CHECK(sink.runs[d].slots[s].limits == whole.disks[d].slots[s].limits);
                CHECK(sink.runs[d].slots[s].mean == whole.disks[d].slots[s].mean);
            }
        }
    }
    // The histograms of real output share ESXi's limit tables: nothing copied.
    CHECK(whole.disks[0].slots[7].limits.values().data() ==
          whole.disks[1].slots[7].limits.values().data());
}

TEST_CASE("the streaming parser names the same file:line:field as the whole-text one",
          "[format][stream]") {
    const auto text = test::real_sample();
    for (const auto& bad :
         {first_lines(text, 15), replace_all(text, "min,512\nmax,65536", "max,65536\nmin,512"),
          replace_all(text, "608,4096", "608,40x6"), text + text,
          replace_all(text, "3,8191", "3,1023")}) {
        const auto expected = parse_fail(bad);
        CAPTURE(expected.message());
        for (std::size_t piece : {1, 5, 1 << 20}) {
            CAPTURE(piece);
            RunCollector sink;
            const auto e = test::parse_failure(stream_in_pieces(bad, piece, sink));
            CHECK(e.message() == expected.message());
        }
    }
}

TEST_CASE(
    "streamed appended prints: a repeated histogram starts the next print, interleaved "
    "disks arrive as runs",
    "[format][stream]") {
    const auto [one, two, mixed] = interleaved_disks();
    RunCollector sink;
    test::require_parsed(stream_in_pieces(mixed + one + two, 100, sink, true));
    // Print 1: four runs (A, B, A, B); print 2: two runs.
    CHECK(sink.print_lines.size() == 2);
    REQUIRE(sink.runs.size() == 6);
    CHECK(sink.runs[0].present[0]);
    CHECK_FALSE(sink.runs[0].present[7]);
    CHECK(sink.runs[2].present[7]);
    CHECK(sink.runs[2].disk.handle_id == 8194);
    CHECK(sink.runs[3].disk.handle_id == 8195);
    CHECK(sink.positions == std::vector<std::size_t>{0, 1, 0, 1, 0, 1});
    const auto lines_per_print =
        static_cast<std::size_t>(std::count(mixed.begin(), mixed.end(), '\n'));
    CHECK(sink.print_lines[1] == lines_per_print + 1);
}

TEST_CASE("a histogram of thousands of buckets is refused at the row that passes the limit",
          "[format][hostile]") {
    std::string text =
        "Histogram: IO lengths of commands,virtual machine worldGroupID,1,virtual disk "
        "handleID,2 (scsi0:0)\nmin,0\nmax,0\nmean,0\ncount,0\nFrequency,Histogram Bucket Limit\n";
    for (int i = 1; i <= 5000; ++i) text += "0," + std::to_string(i) + "\n";
    const auto e = parse_fail(text);
    CHECK(e.line == 6 + 4097);
    CHECK(e.field == "bucket row");
    CHECK_THAT(e.reason, Catch::Contains("more than 4096 buckets"));
    RunCollector sink;
    CHECK(test::parse_failure(stream_in_pieces(text, 333, sink)).message() == e.message());
}

TEST_CASE(
    "rows and headers that leave ESXi's printed shape part-way are read the general way, "
    "whole and streamed alike",
    "[format][stream]") {
    const auto text = test::real_sample();
    // Another release's limits from the sixth row of one histogram on: a bucket
    // 6144 between 4096 and 8191 (its rows so far were ESXi's); a header with a
    // spreadsheet's padding; a label with a space; the same print with CRLF.
    const auto extra_bucket = replace_all(text, "608,4096\n", "608,4096\n0,6144\n");
    const auto padded =
        replace_all(text, "handleID,8194 (scsi0:0)\n", "handleID,8194 (scsi0:0),,,\n");
    const auto spaced = replace_all(text, "(scsi0:0)", "(scsi 0:0)");
    const auto crlf = replace_all(text, "\n", "\r\n");
    const auto base = parse_ok(text);
    for (const auto& variant : {extra_bucket, padded, spaced, crlf}) {
        const auto whole = parse_ok(variant);
        REQUIRE(whole.disks.size() == 1);
        for (std::size_t piece : {1, 37, 1 << 20}) {
            CAPTURE(piece);
            RunCollector sink;
            test::require_parsed(stream_in_pieces(variant, piece, sink));
            REQUIRE(sink.runs.size() == 1);
            CHECK(sink.runs[0].disk.label == whole.disks[0].disk.label);
            for (std::size_t s = 0; s < kSlotCount; ++s) {
                CHECK(sink.runs[0].slots[s].frequencies == whole.disks[0].slots[s].frequencies);
                CHECK(sink.runs[0].slots[s].limits == whole.disks[0].slots[s].limits);
            }
        }
    }
    const auto io = *slot_of(Metric::io_length, Direction::total);
    const auto extra = parse_ok(extra_bucket).disks[0].slots[io];
    REQUIRE(extra.limits.size() == base.disks[0].slots[io].limits.size() + 1);
    CHECK(extra.limits[4] == 4096);
    CHECK(extra.limits[5] == 6144);
    CHECK(extra.limits[6] == 8191);
    CHECK(extra.frequencies[5] == 0);
    CHECK(parse_ok(spaced).disks[0].disk.label == "scsi 0:0");
    CHECK(parse_ok(padded).disks[0].disk.label == "scsi0:0");
    for (std::size_t s = 0; s < kSlotCount; ++s)
        CHECK(parse_ok(crlf).disks[0].slots[s].frequencies == base.disks[0].slots[s].frequencies);

    // Damage right after rows that matched ESXi's: the same file:line:field either way.
    for (const auto& bad : {replace_all(text, "0,8191\n", "0,8191x\n"),
                            replace_all(text, "608,4096\n", "608,4096\n0,4000\n"),
                            replace_all(text, "(scsi0:0)\nmin", "(scsi0:0\nmin")}) {
        const auto expected = parse_fail(bad);
        CAPTURE(expected.message());
        for (std::size_t piece : {1, 41, 1 << 20}) {
            RunCollector sink;
            CHECK(test::parse_failure(stream_in_pieces(bad, piece, sink)).message() ==
                  expected.message());
        }
    }
}
