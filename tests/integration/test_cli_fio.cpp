// The vscsi binary end to end, and every fio job it writes checked by the real fio.
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "process.hpp"

using namespace vscsi::test;
using Catch::Detail::Approx;

namespace {

std::string fio_bin() {
    const char* f = std::getenv("FIO_BIN");
    return f && *f ? f : "fio";
}

std::string example_job() {
    const char* e = std::getenv("VSCSI_EXAMPLE_JOB");
    REQUIRE(e != nullptr);
    return e;
}

// Every generated job file must be accepted by `fio --parse-only`, and the
// sizes fio echoes must be the ones vscsi wrote (fio barely checks bssplit).
void check_with_fio(const std::filesystem::path& job_file) {
    const auto parse = run(fio_bin() + " --parse-only " + shell_quote(job_file));
    INFO(read_text(job_file));
    INFO(parse.err);
    REQUIRE(parse.exit_code == 0);
    const auto show = run(fio_bin() + " --showcmd " + shell_quote(job_file));
    REQUIRE(show.exit_code == 0);
    const auto text = read_text(job_file);
    const auto at = text.find("\nbssplit=");
    REQUIRE(at != std::string::npos);
    const auto bssplit = text.substr(at + 9, text.find('\n', at + 1) - at - 9);
    CHECK_THAT(show.out, Catch::Contains("--bssplit=" + bssplit));
}

boost::json::object load_json(const std::filesystem::path& p) {
    return boost::json::parse(read_text(p)).as_object();
}

}  // namespace

TEST_CASE("analyze the imported real sample: profile printed, fio accepts the job", "[cli][fio]") {
    ScratchDir tmp;
    const auto data = tmp.path() / "data";
    const auto csv = fixtures_dir() / "esxi-sample-wg2099979-scsi0_0.csv";
    // No --interval: the print covers 981.7 s by its interarrival histogram.
    const auto imp = run(vscsi_bin() + " --data-dir " + shell_quote(data) + " import " +
                         shell_quote(csv) + " --name real --vm SQL-Server-01 --tag env=prod");
    INFO(imp.err);
    REQUIRE(imp.exit_code == 0);
    CHECK_THAT(imp.out, Catch::Contains("Imported 1 sample(s) into job 'real'"));
    CHECK_THAT(imp.out, Catch::Contains("Time: interval inferred: 981.7 s"));
    CHECK(imp.err.empty());

    const auto r = run(vscsi_bin() + " analyze real --data-dir " + shell_quote(data) +
                       " --csv --ndjson --per-disk");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("IOPS: 0.8 (Read: 0.0 / Write: 0.8)"));
    CHECK_THAT(r.out, Catch::Contains("Sequential: read 25.0%, write 27.0%"));
    // The integer mean 3 and the buckets prove 3.64..4; percentiles interpolate.
    CHECK_THAT(r.out, Catch::Contains("Queue depth: avg=3.8 (3.64-4.00), p50=1.0, p95=18.7, "
                                      "p99=39.0"));
    const auto analysis = data / "jobs/real/analysis";
    check_with_fio(analysis / "real.fio");
    check_with_fio(analysis / "real-wg2099979-scsi0_0.fio");
    const auto summary = load_json(analysis / "summary.json");
    CHECK(summary.at("metrics").at("ios").at("total").to_number<std::uint64_t>() == 793);
    CHECK(summary.at("disks").at(0).at("vm_name").as_string() == "SQL-Server-01");
    CHECK(std::filesystem::file_size(analysis / "histograms.csv") > 10000);
    CHECK_THAT(read_text(analysis / "metrics.ndjson"), Catch::Contains("\"env\":\"prod\""));

    SECTION("--json gives the summary on stdout") {
        const auto j = run(vscsi_bin() + " --json analyze real --data-dir " + shell_quote(data) +
                           " --filter none");
        REQUIRE(j.exit_code == 0);
        const auto v = boost::json::parse(j.out).as_object();
        CHECK(v.at("filter").at("method").as_string() == "none");
    }
}

TEST_CASE("every filter and rate option yields a job fio accepts, for the example job",
          "[cli][fio]") {
    ScratchDir tmp;
    for (const std::string opts :
         {"--filter percentile", "--filter auto --rate peak",
          "--filter statistical --threshold 0.5 --rate mean --percentile-method interpolate",
          "--filter absolute --threshold 100 --target /dev/sdz --size 50G --runtime 600",
          "--filter none --target 'dir with space/f:1' --no-direct --ioengine psync"}) {
        const auto out = tmp.path() / "out";
        std::filesystem::remove_all(out);
        const auto r = run(vscsi_bin() + " analyze " + shell_quote(example_job()) +
                           " --output-dir " + shell_quote(out) + " " + opts);
        INFO(opts << "\n" << r.err);
        REQUIRE(r.exit_code == 0);
        check_with_fio(out / "sql-peak.fio");
    }
}

TEST_CASE("a job in a read-only place: the error says to use --output-dir, which works", "[cli]") {
    ScratchDir tmp;
    namespace fs = std::filesystem;
    const auto job = tmp.path() / "sql-peak";
    fs::copy(example_job(), job, fs::copy_options::recursive);
    // Root writes anywhere: run as nobody then, as a user of a checkout would be.
    std::string as_user;
    if (::geteuid() == 0) {
        for (const auto& e : fs::recursive_directory_iterator(tmp.path()))
            REQUIRE(::chown(e.path().c_str(), 65534, 65534) == 0);
        fs::permissions(tmp.path(), fs::perms::all, fs::perm_options::add);
        as_user = "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=" +
                  shell_quote(tmp.path()) + " ";
    }
    fs::permissions(job, fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                    fs::perm_options::remove);
    auto r = run(as_user + vscsi_bin() + " analyze " + shell_quote(job));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("cannot create " + (job / "analysis").string() +
                                      ": Permission denied (write the outputs elsewhere with "
                                      "--output-dir DIR)"));
    const auto out = tmp.path() / "out";
    fs::create_directories(out);
    if (!as_user.empty()) REQUIRE(::chown(out.c_str(), 65534, 65534) == 0);
    r = run(as_user + vscsi_bin() + " analyze " + shell_quote(job) + " --output-dir " +
            shell_quote(out));
    CHECK(r.exit_code == 0);
    CHECK(fs::exists(out / "summary.json"));
    CHECK_FALSE(fs::exists(job / "analysis"));
    fs::permissions(job, fs::perms::owner_write, fs::perm_options::add);  // for the cleanup
}

TEST_CASE("fio really runs the example job and produces the intended mix and sizes",
          "[cli][fio][run]") {
    ScratchDir tmp;
    const auto out = tmp.path() / "out";
    const auto target = tmp.path() / "fio-target.dat";
    const auto r = run(vscsi_bin() + " analyze " + shell_quote(example_job()) +
                       " --filter auto --output-dir " + shell_quote(out) + " --target " +
                       shell_quote(target) + " --size 64M --runtime 2 --no-direct");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto summary = load_json(out / "summary.json");
    const auto& m = summary.at("metrics").as_object();
    const double read_pct = m.at("read_percent").to_number<double>();
    const double read_mean = m.at("mean_io_bytes").at("read").to_number<double>();
    const double write_mean = m.at("mean_io_bytes").at("write").to_number<double>();

    const auto run_fio =
        run(fio_bin() + " --output-format=json " + shell_quote(out / "sql-peak.fio"));
    INFO(run_fio.err);
    REQUIRE(run_fio.exit_code == 0);
    const auto j = boost::json::parse(run_fio.out.substr(run_fio.out.find('{'))).as_object();
    const auto& job = j.at("jobs").at(0).as_object();
    const double reads = job.at("read").at("total_ios").to_number<double>();
    const double writes = job.at("write").at("total_ios").to_number<double>();
    REQUIRE(reads + writes > 1000);
    const double fio_read_pct = 100 * reads / (reads + writes);
    const double fio_read_mean = job.at("read").at("io_bytes").to_number<double>() / reads;
    const double fio_write_mean = job.at("write").at("io_bytes").to_number<double>() / writes;
    INFO("read% measured " << read_pct << " fio " << fio_read_pct);
    INFO("read size measured " << read_mean << " fio " << fio_read_mean);
    INFO("write size measured " << write_mean << " fio " << fio_write_mean);
    CHECK(fio_read_pct == Approx(read_pct).margin(3.0));
    // bucket representatives cost some accuracy; 10% is what the buckets allow
    CHECK(fio_read_mean == Approx(read_mean).epsilon(0.10));
    CHECK(fio_write_mean == Approx(write_mean).epsilon(0.10));
}

TEST_CASE("bad input: clear errors with file and line, stable exit codes, nothing lost",
          "[cli][errors]") {
    ScratchDir tmp;
    const auto data = tmp.path() / "data";
    const auto bad = tmp.path() / "bad.csv";
    auto text = read_text(fixtures_dir() / "esxi-sample-wg2099979-scsi0_0.csv");
    text.replace(text.find("mean,5332"), 9, "mean,53x2");
    write_text(bad, text);
    SECTION("bad CSV names file, line and field; exit 5; no job created") {
        const auto r = run(vscsi_bin() + " --data-dir " + shell_quote(data) + " import " +
                           shell_quote(bad) + " --interval 60 --name b");
        CHECK(r.exit_code == 5);
        CHECK_THAT(r.err, Catch::Contains(bad.string() + ":4: mean: '53x2' is not an integer"));
        CHECK_FALSE(std::filesystem::exists(data / "jobs/b"));
    }
    SECTION("--json errors are JSON too") {
        const auto r = run(vscsi_bin() + " --data-dir " + shell_quote(data) + " analyze " +
                           shell_quote(bad) + " --interval 60 --json");
        CHECK(r.exit_code == 5);
        const auto v = boost::json::parse(r.out).as_object();
        CHECK(v.at("error").at("kind").as_string() == "bad_data");
    }
    SECTION("unknown job: exit 3") {
        const auto r = run(vscsi_bin() + " --data-dir " + shell_quote(data) + " analyze nosuchjob");
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("no job 'nosuchjob' in "));
        CHECK_THAT(r.err, Catch::Contains("see `vscsi job list`"));
        // Every command that takes a JOB says it the same way.
        for (const char* cmd : {" compare nosuchjob nosuchjob", " validate nosuchjob"}) {
            const auto o = run(vscsi_bin() + " --data-dir " + shell_quote(data) + cmd);
            CHECK(o.exit_code == 3);
            CHECK(o.err == r.err);
        }
    }
    SECTION("a CSV or path that does not exist: 'no such file', exit 3") {
        const auto missing = tmp.path() / "day1.csv";
        const auto r = run(vscsi_bin() + " --data-dir " + shell_quote(data) + " analyze " +
                           shell_quote(missing));
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("no such file or job directory: " + missing.string()));
        const auto dir = run(vscsi_bin() + " --data-dir " + shell_quote(data) + " analyze " +
                             shell_quote(tmp.path()));
        CHECK(dir.exit_code == 3);
        CHECK_THAT(dir.err, Catch::Contains("is not a job directory (it has no job.json)"));
    }
    SECTION("usage errors: exit 2 and say what to do") {
        CHECK(run(vscsi_bin() + " frobnicate").exit_code == 2);
        // Only IO lengths (-p ioLength): no interarrival histogram to infer the time from.
        std::string lengths;
        const auto real = read_text(fixtures_dir() / "esxi-sample-wg2099979-scsi0_0.csv");
        lengths = real.substr(0, real.find("Histogram: distance"));
        write_text(tmp.path() / "iolength.csv", lengths);
        const auto r = run(vscsi_bin() + " analyze " + shell_quote(tmp.path() / "iolength.csv") +
                           " --data-dir " + shell_quote(data));
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("--interval SECONDS"));
        CHECK(run(vscsi_bin() + " analyze x --filter magic --data-dir " + shell_quote(data))
                  .exit_code == 2);
        CHECK(run(vscsi_bin() + " analyze " + shell_quote(example_job()) +
                  " --size lots --output-dir " + shell_quote(tmp.path() / "o"))
                  .exit_code == 2);
    }
    SECTION("a job with a damaged sample still analyzes, and the warning names file:line") {
        const auto good = fixtures_dir() / "esxi-sample-wg2099979-scsi0_0.csv";
        REQUIRE(run(vscsi_bin() + " --data-dir " + shell_quote(data) + " import " +
                    shell_quote(good) + " " + shell_quote(good) + " --interval 60 --name two")
                    .exit_code == 0);
        const auto sample = data / "jobs/two/samples/sample-000002.csv";
        auto s = read_text(sample);
        s.resize(s.size() - 200);
        write_text(sample, s);
        const auto r =
            run(vscsi_bin() + " --data-dir " + shell_quote(data) + " analyze two --filter none");
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("1 sample file(s) could not be read"));
        CHECK_THAT(r.out, Catch::Contains("sample-000002.csv:"));
        CHECK_THAT(r.out, Catch::Contains("Samples: 1 found, 1 analyzed"));
    }
    SECTION("global options work after the command too") {
        const auto r = run(vscsi_bin() + " version --json");
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("\"version\""));
    }
}

TEST_CASE("numbers outside their range are refused with the range, and leave nothing",
          "[cli][limits]") {
    ScratchDir tmp;
    const auto data = tmp.path() / "data";
    const auto csv = fixtures_dir() / "esxi-sample-wg2099979-scsi0_0.csv";
    const auto vscsi = vscsi_bin() + " --data-dir " + shell_quote(data) + " ";
    for (const std::string interval : {"1e300", "inf", "1e-9", "-5"}) {
        const auto r =
            run(vscsi + "import " + shell_quote(csv) + " --name x --interval " + interval);
        INFO(interval << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("0.001 to 31622400 s"));
    }
    CHECK_FALSE(std::filesystem::exists(data / "jobs" / "x"));
    if (std::filesystem::exists(data / "jobs"))
        CHECK(std::filesystem::is_empty(data / "jobs"));  // no staging directory either
    const auto job = vscsi + "job start --host sim:demo --vm sql-prod-01 --foreground ";
    struct Case {
        std::string args, says;
    };
    for (const auto& c : std::vector<Case>{
             {"--samples 3 --interval 1e300", "--interval 1e+300 is out of range: 1 to 86400 s"},
             {"--samples 3 --interval inf", "--interval inf is not a finite number"},
             {"--samples 3 --interval 0.5", "--interval 0.5 is out of range: 1 to 86400 s"},
             {"--samples 999999999999 --interval 5",
              "--samples 999999999999 is out of range: 1 to 10000000"},
             {"--samples 2.5 --interval 5", "--samples 2.5 is not a whole number"},
             {"--samples 3 --interval 5 --port 99999", "--port 99999 is out of range: 1 to 65535"},
             {"--samples 3 --interval 5 --give-up-after 0",
              "--give-up-after 0 is out of range: 1 to 2678400 s"},
         }) {
        const auto r = run(job + c.args);
        INFO(c.args << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains(c.says));
    }
    CHECK(run(vscsi_bin() + " analyze " + shell_quote(example_job()) +
              " --runtime 0 --output-dir " + shell_quote(tmp.path() / "o"))
              .exit_code == 2);
    // An empty name is refused, not replaced by a generated one.
    for (const std::string& cmd :
         {"import " + shell_quote(csv) + " --name ''",
          std::string("job start --host sim:demo --vm sql-prod-01 "
                      "--samples 2 --interval 1 --foreground --name ''")}) {
        const auto r = run(vscsi + cmd);
        INFO(cmd);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("--name is empty"));
    }
    // Messages carry valid UTF-8 as it is and escape the rest (terminal escapes too).
    const auto uml = run(vscsi + "import " + shell_quote(csv) +
                         " --name j\xC3\xB6"
                         "b");
    CHECK(uml.exit_code == 2);
    CHECK_THAT(uml.err, Catch::Contains("'j\xC3\xB6"
                                        "b'"));
    write_text(tmp.path() / "evil.csv", "\x1B[31mevil\xFF\n");
    const auto evil = run(vscsi + "import " + shell_quote(tmp.path() / "evil.csv"));
    CHECK(evil.exit_code == 5);
    CHECK_THAT(evil.err, Catch::Contains("found '\\x1B[31mevil\\xFF'"));
    CHECK(evil.err.find('\x1B') == std::string::npos);
}

TEST_CASE("import fio takes a whole two-job run: files in any order or the folder, counts said",
          "[cli][fio]") {
    ScratchDir tmp;
    const auto data = tmp.path() / "data";
    const auto src = fixtures_dir() / "fio" / "two-stream";
    const auto vscsi = vscsi_bin() + " --data-dir " + shell_quote(data) + " ";
    auto summary_of = [&](const std::string& name) {
        REQUIRE(run(vscsi + "analyze " + name + " --filter none").exit_code == 0);
        return load_json(data / "jobs" / name / "analysis" / "summary.json");
    };
    auto read_percent = [](const boost::json::object& s) {
        return s.at("metrics").at("read_percent").to_number<double>();
    };
    SECTION("iologs and latency logs, shuffled") {
        const auto r =
            run(vscsi + "import fio " + shell_quote(src / "oltp.iolog") + " " +
                shell_quote(src / "two-stream_lat.2.log") + " " + shell_quote(src / "scan.iolog") +
                " " + shell_quote(src / "two-stream_lat.1.log") + " --name both");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("fio job 1 (scan.iolog + two-stream_lat.1.log): 100 "
                                          "reads, 0 writes"));
        CHECK_THAT(r.out, Catch::Contains("fio job 2 (oltp.iolog + two-stream_lat.2.log): 0 "
                                          "reads, 300 writes"));
        CHECK_THAT(r.out, Catch::Contains("file two-stream.dat: 100 reads, 300 writes"));
        CHECK(read_percent(summary_of("both")) == Approx(25.0));
    }
    SECTION("the folder: its job file skipped and said") {
        const auto r = run(vscsi + "import fio " + shell_quote(src) + " --name dir --json");
        REQUIRE(r.exit_code == 0);
        const auto v = boost::json::parse(r.out).as_object();
        CHECK(v.at("merged_jobs").as_array().size() == 3);
        CHECK_THAT(boost::json::serialize(v.at("warnings")),
                   Catch::Contains("not fio logs skipped: two-stream.fio"));
        CHECK(read_percent(summary_of("dir")) == Approx(25.0));
    }
    SECTION("latency logs alone: the scan's reads are kept") {
        const auto r = run(vscsi + "import fio " + shell_quote(src / "two-stream_lat.1.log") + " " +
                           shell_quote(src / "two-stream_lat.2.log") + " --name lat");
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.err, Catch::Contains("side by side"));
        const auto s = summary_of("lat");
        CHECK(read_percent(s) == Approx(25.0));
        CHECK(s.at("metrics").at("iops").at("read").to_number<double>() > 100);
    }
    SECTION("a log that pairs with nothing fails, named, and leaves no job") {
        const auto r = run(vscsi + "import fio " + shell_quote(src / "scan.iolog") + " " +
                           shell_quote(src / "two-stream_lat.1.log") + " " +
                           shell_quote(src / "two-stream_lat.2.log") + " --name partial");
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("two-stream_lat.2.log: pairs with no iolog given"));
        CHECK_FALSE(std::filesystem::exists(data / "jobs" / "partial"));
    }
}

TEST_CASE("group commands show their subcommands on --help, -h and help", "[cli]") {
    const std::map<std::string, std::vector<std::string>> groups{
        {"job", {"start", "status", "stop", "resume", "list", "delete", "cleanup"}},
        {"daemon", {"status", "stop"}},
        {"host", {"discover"}}};
    for (const auto& [group, subs] : groups) {
        for (const auto* flag : {"--help", "-h", "help"}) {
            const auto r = run(vscsi_bin() + " " + group + " " + flag);
            INFO(group << " " << flag << "\n" << r.out << r.err);
            CHECK(r.exit_code == 0);
            CHECK_THAT(r.out, Catch::StartsWith("Usage: vscsi " + group + " COMMAND"));
            for (const auto& s : subs) CHECK_THAT(r.out, Catch::Contains("\n  " + s + " "));
        }
        for (const auto& s : subs) {
            const auto r = run(vscsi_bin() + " " + group + " " + s + " --help");
            INFO(group << " " << s << "\n" << r.out << r.err);
            CHECK(r.exit_code == 0);
            CHECK_THAT(r.out, Catch::Contains("Usage"));
        }
    }
}

TEST_CASE("--json: every error is a JSON object on stdout, config and command-line errors too",
          "[cli][errors]") {
    ScratchDir tmp;
    write_text(tmp.path() / "bad.conf", "[analysis]\nbogus = 1\n");
    struct Case {
        std::string args;
        int code;
        std::string kind, says;
    };
    const std::vector<Case> cases{
        {"--json --config " + shell_quote(tmp.path() / "bad.conf") + " job list", 5, "bad_data",
         "bad.conf:2: bogus"},
        {"--json --config " + shell_quote(tmp.path() / "missing.conf") + " job list", 3,
         "not_found", "missing.conf"},
        {"--json job list --data-dir", 2, "usage", "--data-dir needs a value"},
        {"--json analyze --nope", 2, "usage", "--nope"},
        {"--json frobnicate", 2, "usage", "unknown command"}};
    for (const auto& c : cases) {
        const auto r =
            run(vscsi_bin() + " --data-dir " + shell_quote(tmp.path() / "d") + " " + c.args);
        INFO(c.args << "\n" << r.out << r.err);
        CHECK(r.exit_code == c.code);
        const auto v = boost::json::parse(r.out).as_object();
        CHECK(v.at("error").at("kind").as_string() == c.kind);
        CHECK(v.at("error").at("code").as_int64() == c.code);
        CHECK_THAT(std::string(v.at("error").at("message").as_string()), Catch::Contains(c.says));
    }
}

TEST_CASE("optional values attach with '=': --csv and --report never swallow the job", "[cli]") {
    ScratchDir tmp;
    const auto out = tmp.path() / "out";
    const auto r = run(vscsi_bin() + " analyze --csv --report " + shell_quote(example_job()) +
                       " --output-dir " + shell_quote(out));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(std::filesystem::exists(out / "report.html"));
    bool csv = false;
    for (const auto& e : std::filesystem::directory_iterator(out))
        csv = csv || e.path().extension() == ".csv";
    CHECK(csv);
    const auto named = tmp.path() / "mine.csv";
    const auto r2 = run(vscsi_bin() + " analyze " + shell_quote(example_job()) +
                        " --csv=" + shell_quote(named) + " --output-dir " + shell_quote(out));
    INFO(r2.out << r2.err);
    REQUIRE(r2.exit_code == 0);
    CHECK(std::filesystem::exists(named));
}

TEST_CASE("bash completion offers every option each command's --help lists", "[cli][completion]") {
    const auto completion =
        fixtures_dir().parent_path().parent_path() / "data/completion/vscsi.bash";
    REQUIRE(std::filesystem::exists(completion));
    ScratchDir tmp;
    auto run_bash = [&](const std::string& script) {
        write_text(tmp.path() / "complete.sh", script);
        return run("bash " + shell_quote(tmp.path() / "complete.sh"));
    };
    // What _vscsi offers for `vscsi WORDS... --<TAB>`.
    auto offered = [&](const std::string& words) {
        std::vector<std::string> w;
        std::istringstream in(words);
        for (std::string x; in >> x;) w.push_back(x);
        const auto script = "source " + shell_quote(completion) + "; COMP_WORDS=(vscsi " + words +
                            " --); COMP_CWORD=" + std::to_string(w.size() + 1) +
                            "; _vscsi; printf '%s\\n' \"${COMPREPLY[@]}\"";
        const auto r = run_bash(script);
        REQUIRE(r.exit_code == 0);
        std::set<std::string> out;
        std::istringstream lines(r.out);
        for (std::string l; std::getline(lines, l);)
            if (!l.empty()) out.insert(l);
        return out;
    };
    const std::regex option(R"(^\s+(?:-\w \[ )?(--[a-z0-9-]+))");
    for (const std::string cmd :
         {"analyze", "validate", "compare", "import", "import fio", "job start", "job status",
          "job list", "job stop", "job delete", "job cleanup", "host discover", "host check",
          "daemon stop", "serve", "demo"}) {
        const auto help = run(vscsi_bin() + " " + cmd + " --help");
        REQUIRE(help.exit_code == 0);
        const auto got = offered(cmd);
        std::istringstream lines(help.out);
        for (std::string l; std::getline(lines, l);) {
            std::smatch m;
            if (!std::regex_search(l, m, option) || m[1] == "--help") continue;
            INFO("vscsi " << cmd << " " << m[1] << ": in --help, not offered by completion");
            CHECK(got.count(m[1]) == 1);
        }
    }
    // Values: --format offers chart formats, not job names.
    const auto script = "source " + shell_quote(completion) +
                        "; COMP_WORDS=(vscsi analyze --format ''); COMP_CWORD=3; _vscsi; "
                        "printf '%s\\n' \"${COMPREPLY[@]}\"";
    CHECK(run_bash(script).out == "png\nsvg\n");
}

TEST_CASE(
    "consistent answers: a taken name is exit 2 everywhere, stopping what is stopped is exit 0",
    "[cli][errors]") {
    ScratchDir tmp;
    const auto vscsi = vscsi_bin() + " --data-dir " + shell_quote(tmp.path() / "d") + " ";
    const auto sample = shell_quote(fixtures_dir() / "esxi-sample-wg2099979-scsi0_0.csv");
    REQUIRE(run(vscsi + "import " + sample + " --name dup").exit_code == 0);
    const auto imp = run(vscsi + "import " + sample + " --name dup");
    CHECK(imp.exit_code == 2);
    CHECK_THAT(imp.err, Catch::Contains("job 'dup' already exists") &&
                            Catch::Contains("choose another --name"));
    const auto start = run(vscsi + "job start --host sim:demo --vm sql-prod-01 --samples 1 " +
                           "--interval 1 --name dup --foreground");
    CHECK(start.exit_code == 2);
    CHECK_THAT(start.err, Catch::Contains("job 'dup' already exists"));
    // No daemon runs for this data directory: stopping it is done already.
    const auto stop = run(vscsi + "daemon stop");
    CHECK(stop.exit_code == 0);
    CHECK_THAT(stop.out, Catch::Contains("nothing to stop"));
    const auto stop_json = run(vscsi + "--json daemon stop");
    CHECK(stop_json.exit_code == 0);
    CHECK(boost::json::parse(stop_json.out).at("was_running").as_bool() == false);
}

TEST_CASE("compare: a figure from zero is 'new', and the table keeps its columns", "[cli]") {
    ScratchDir tmp;
    const auto vscsi = vscsi_bin() + " --data-dir " + shell_quote(tmp.path() / "d") + " ";
    REQUIRE(run(vscsi + "import " +
                shell_quote(fixtures_dir() / "esxi-sample-wg2099979-scsi0_0.csv") + " --name real")
                .exit_code == 0);
    // The real sample has 4 reads in 982 s (0.0 read IOPS); the example job reads a lot.
    const auto r = run(vscsi + "compare real " + shell_quote(example_job()) + " --filter none");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("read IOPS 0.0 \u2192") != std::string::npos);
    CHECK_THAT(r.out, Catch::Contains(", new"));
    // The table row too: "new", not a percentage of 0.004 (+31,000,000%).
    CHECK(
        std::regex_search(r.out, std::regex(R"(\n  read IOPS +0\.0 +1,316\.5 +\+1,316\.5 +new)")));
    std::istringstream lines(r.out);
    std::size_t header = 0;
    for (std::string l; std::getline(lines, l);) {
        if (l.starts_with("  figure ")) {
            header = l.size();
            continue;
        }
        if (header == 0) continue;
        if (l.empty()) break;
        if (l.ends_with(" *")) l.resize(l.size() - 2);
        INFO(l);
        CHECK(l.size() == header);
    }
    CHECK(header > 0);
}

TEST_CASE("options that would be silently ignored get a warning", "[cli]") {
    ScratchDir tmp;
    const auto base = vscsi_bin() + " analyze " + shell_quote(example_job()) + " --output-dir " +
                      shell_quote(tmp.path() / "o") + " ";
    const auto fmt_only = run(base + "--format svg");
    CHECK(fmt_only.exit_code == 0);
    CHECK_THAT(fmt_only.err,
               Catch::Contains("--format svg has no effect without --visualize or --report"));
    const auto thr = run(base + "--filter none --threshold 3");
    CHECK(thr.exit_code == 0);
    CHECK_THAT(thr.err, Catch::Contains("--threshold 3 has no effect with --filter none"));
    const auto used = run(base + "--format svg --report");
    CHECK(used.exit_code == 0);
    CHECK(used.err.find("no effect") == std::string::npos);
}
