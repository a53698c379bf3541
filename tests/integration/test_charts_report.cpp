// Charts (real gnuplot), HTML reports (loaded in real headless Chromium) and
// `vscsi compare`, through the vscsi binary.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <regex>

#include "process.hpp"

using namespace vscsi::test;
namespace fs = std::filesystem;

namespace {

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

std::string python() {
    return env_or("PYTHON3", "python3");
}
std::string scripts() {
    return env_or("VSCSI_TEST_SCRIPTS", "tests/integration");
}
std::string gen_samples() {
    return env_or("VSCSI_GEN_SAMPLES", "vscsi-gen-samples");
}

// Every file valid for its type (PNG chunks and CRCs, well-formed SVG, balanced HTML).
void check_markup(const std::vector<fs::path>& files) {
    REQUIRE_FALSE(files.empty());
    std::string cmd = python() + " " + scripts() + "/check_markup.py";
    for (const auto& f : files) cmd += " " + shell_quote(f);
    const auto r = run(cmd);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
}

// Loads the report in headless Chromium: no console errors, no network, images
// decode, and the first chart's screenshot is not blank.
boost::json::object browser_check(const fs::path& html, int min_images,
                                  const std::vector<std::string>& texts) {
    std::string cmd = python() + " " + scripts() + "/browser_check.py " + shell_quote(html) +
                      " --screenshot " + shell_quote(html.string() + ".png") + " --min-images " +
                      std::to_string(min_images);
    for (const auto& t : texts) cmd += " --expect-text " + shell_quote(t);
    const auto r = run(cmd);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return boost::json::parse(r.out).as_object();
}

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> v;
    for (const auto& e : fs::directory_iterator(dir)) v.push_back(e.path());
    std::sort(v.begin(), v.end());
    return v;
}

std::pair<int, int> png_size(const fs::path& p) {
    const auto s = read_text(p);
    REQUIRE(s.size() > 24);
    auto be32 = [&](std::size_t at) {
        return (static_cast<unsigned char>(s[at]) << 24) |
               (static_cast<unsigned char>(s[at + 1]) << 16) |
               (static_cast<unsigned char>(s[at + 2]) << 8) | static_cast<unsigned char>(s[at + 3]);
    };
    return {be32(16), be32(20)};
}

}  // namespace

TEST_CASE("charts and report of the real ESXi sample (one sample, imported)", "[charts][report]") {
    ScratchDir tmp;
    const auto data = tmp.path() / "data";
    const auto tmpdir = tmp.path() / "tmpdir";
    fs::create_directories(tmpdir);
    const auto csv = fixtures_dir() / "esxi-sample-wg2099979-scsi0_0.csv";
    REQUIRE(run(vscsi_bin() + " --data-dir " + shell_quote(data) + " import " + shell_quote(csv) +
                " --name real --vm 'SQL <prod> & \"01\"'")
                .exit_code == 0);
    // TMPDIR points at an empty directory: gnuplot gets its data inline, nothing may be left there.
    const auto r = run("TMPDIR=" + shell_quote(tmpdir) + " " + vscsi_bin() +
                       " analyze real --data-dir " + shell_quote(data) + " --visualize --report");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(fs::is_empty(tmpdir));
    const auto analysis = data / "jobs" / "real" / "analysis";
    const auto charts = files_in(analysis / "charts");
    REQUIRE(charts.size() == 6);  // time series + 5 histogram kinds of the one disk
    check_markup(charts);
    for (const auto& c : charts) {
        CHECK(c.extension() == ".png");
        const auto [w, h] = png_size(c);
        if (c.filename().string().find("timeseries") != std::string::npos)
            CHECK((w == 1600 && h == 1000));
        else
            CHECK((w == 1800 && h == 660));
    }
    CHECK(fs::exists(analysis / "charts" / "scsi0_0-wg2099979-iolength-3d.png"));
    CHECK_THAT(r.out, Catch::Contains("charts:"));
    CHECK_THAT(r.out, Catch::Contains("Recommendations:"));
    // Sub-4K (48 IOs) and the 2-4K/4-8K buckets (16 IOs) of 793: 8.1%.
    CHECK_THAT(r.out, Catch::Contains("[warning] 8.1% of IOs are smaller than 4 KiB or not a "
                                      "multiple of 4 KiB"));

    const auto summary = boost::json::parse(read_text(analysis / "summary.json")).as_object();
    const auto& recs = summary.at("recommendations").as_array();
    bool unaligned = false;
    for (const auto& x : recs) unaligned = unaligned || x.at("rule").as_string() == "unaligned_io";
    CHECK(unaligned);

    const auto report = analysis / "report.html";
    check_markup({report});
    const auto html = read_text(report);
    CHECK_THAT(html, Catch::Contains("SQL &lt;prod&gt; &amp; &quot;01&quot;"));
    const auto seen = browser_check(
        report, 6, {"Recommendations", "unaligned_io", "fio job", "Samples and the idle filter"});
    CHECK(seen.at("console_errors").as_array().empty());
    CHECK(seen.at("requests").as_array().empty());
    CHECK(seen.at("chart").at("distinct_colours").as_int64() > 50);
}

TEST_CASE("charts and report of a simulated multi-sample job with idle samples, as SVG",
          "[charts][report]") {
    ScratchDir tmp;
    const auto job = tmp.path() / "sim-job";
    REQUIRE(run(gen_samples() + " job " + shell_quote(job) +
                " --samples 20 --disks 2 --idle-every 4 --interval 60")
                .exit_code == 0);
    const auto r = run(vscsi_bin() + " analyze " + shell_quote(job) +
                       " --visualize --format svg --report --filter auto");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const auto charts = files_in(job / "analysis" / "charts");
    REQUIRE(charts.size() == 13);  // all disks over time + per disk (time series + 5 surfaces)
    check_markup(charts);
    const auto surface =
        read_text(job / "analysis" / "charts" / "scsi0_0-wg2099979-iolength-3d.svg");
    CHECK_THAT(surface, Catch::Contains("gray: samples filtered out as idle"));
    const auto ts = read_text(job / "analysis" / "charts" / "all-disks-timeseries.svg");
    CHECK_THAT(ts, Catch::Contains("filtered out (idle)"));
    CHECK_THAT(ts, Catch::Contains("avg"));
    const auto report = job / "analysis" / "report.html";
    check_markup({report});
    const auto html = read_text(report);
    CHECK_THAT(html, Catch::Contains("data:image/svg+xml;base64,"));
    const auto seen =
        browser_check(report, 13, {"Profile per disk", "All disks", "fio job", "auto"});
    // The first chart drawn is the all-disks time series: blue, green and red lines.
    const auto& hues = seen.at("chart").at("hue_pixels").as_object();
    CHECK(hues.at("blue").as_int64() > 100);
    CHECK(hues.at("green").as_int64() > 100);
    CHECK(hues.at("red").as_int64() > 100);
}

TEST_CASE("without gnuplot: the analysis is complete and says how to get charts", "[charts]") {
    ScratchDir tmp;
    const auto job = tmp.path() / "job";
    REQUIRE(run(gen_samples() + " job " + shell_quote(job) + " --samples 6 --disks 1").exit_code ==
            0);
    const auto r = run("VSCSI_GNUPLOT= " + vscsi_bin() + " analyze " + shell_quote(job) +
                       " --visualize --report");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("gnuplot was not found"));
    CHECK_THAT(r.out, Catch::Contains("apt-get install gnuplot-nox"));
    CHECK_FALSE(fs::exists(job / "analysis" / "charts"));
    CHECK(fs::exists(job / "analysis" / "job.fio"));
    const auto summary = read_text(job / "analysis" / "summary.json");
    CHECK_THAT(summary, Catch::Contains("gnuplot-nox"));
    const auto report = job / "analysis" / "report.html";
    check_markup({report});
    CHECK_THAT(read_text(report), Catch::Contains("gnuplot was not found"));
    browser_check(report, 0, {"gnuplot was not found", "fio job"});
    // A bad chart format is a usage error before anything is written.
    CHECK(
        run(vscsi_bin() + " analyze " + shell_quote(job) + " --visualize --format gif").exit_code ==
        2);
}

TEST_CASE("compare two jobs: what changed, JSON, and a report with overlaid distributions",
          "[compare][report]") {
    ScratchDir tmp;
    const auto before = tmp.path() / "before", after = tmp.path() / "after";
    REQUIRE(run(gen_samples() + " job " + shell_quote(before) +
                " --samples 12 --disks 1 --latency-scale 10 --queue-scale 5")
                .exit_code == 0);
    REQUIRE(run(gen_samples() + " job " + shell_quote(after) + " --samples 12 --disks 1 --seed 2")
                .exit_code == 0);
    const auto r = run(vscsi_bin() + " compare " + shell_quote(before) + " " + shell_quote(after));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("What changed (A \u2192 B):"));
    const std::regex p99("p99 write latency [0-9.]+ \u2192 [0-9.]+ ms, \u2212[0-9]+% \\(better\\)");
    CHECK(std::regex_search(r.out, p99));
    CHECK_THAT(r.out, Catch::Contains("Outstanding IOs distribution (total) shifted"));
    // The changes come largest first: latency (-80..-93%) before queue depth (-75..-80%) on this
    // data.
    CHECK(r.out.find("latency") < r.out.find("queue depth 64"));

    const auto j =
        run(vscsi_bin() + " compare " + shell_quote(before) + " " + shell_quote(after) + " --json");
    REQUIRE(j.exit_code == 0);
    const auto o = boost::json::parse(j.out).as_object();
    CHECK(o.at("a").at("job_id").as_string() == "before");
    CHECK_FALSE(o.at("changes").as_array().empty());
    bool found = false;
    for (const auto& f : o.at("figures").as_array())
        if (f.at("key").as_string() == "latency_ms.write.p99") {
            found = true;
            CHECK(f.at("changed").as_bool());
            CHECK(f.at("delta_percent").to_number<double>() < -50);
        }
    CHECK(found);

    const auto report = tmp.path() / "cmp.html";
    const auto rep = run(vscsi_bin() + " compare " + shell_quote(before) + " " +
                         shell_quote(after) + " --report=" + shell_quote(report));
    INFO(rep.err);
    REQUIRE(rep.exit_code == 0);
    check_markup({report});
    browser_check(report, 5, {"What changed", "Distribution shapes", "queue_depth_saturation"});

    // Identical jobs: nothing changed, said plainly.
    const auto same =
        run(vscsi_bin() + " compare " + shell_quote(after) + " " + shell_quote(after));
    CHECK_THAT(same.out, Catch::Contains("nothing moved by 10%"));
    CHECK(run(vscsi_bin() + " compare " + shell_quote(after)).exit_code == 2);
    CHECK(run(vscsi_bin() + " compare " + shell_quote(after) + " no-such-job --data-dir " +
              shell_quote(tmp.path()))
              .exit_code == 3);
}
