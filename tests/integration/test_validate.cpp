// `vscsi import fio` on real fio runs with known parameters, and `vscsi
// validate` end to end: the generated job run by the real fio, re-measured,
// scored.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>

#include "process.hpp"

using namespace vscsi::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}
std::string fio_bin() {
    return env_or("FIO_BIN", "fio");
}
std::string gen_samples() {
    return env_or("VSCSI_GEN_SAMPLES", "vscsi-gen-samples");
}

json::object analyze_json(const fs::path& data, const std::string& job) {
    const auto r = run(vscsi_bin() + " --data-dir " + shell_quote(data) + " --json analyze " + job +
                       " --filter none");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out).as_object();
}

double num(const json::value& v) {
    return v.to_number<double>();
}

}  // namespace

TEST_CASE(
    "import fio: a real fio run with known parameters is re-measured as vscsiStats histograms",
    "[fio][import]") {
    ScratchDir tmp;
    const auto job = tmp.path() / "known.fio";
    // 70% reads, 4 KiB random reads, 64 KiB sequential writes, 8 in flight.
    write_text(job,
               "[known]\nioengine=libaio\ndirect=1\nfilename=" + (tmp.path() / "t.dat").string() +
                   "\nsize=128M\nrw=randrw\nrwmixread=70\nbs=4k,64k\npercentage_random=100,0\n"
                   "iodepth=8\nnumber_ios=3000\nnorandommap=1\nrandrepeat=0\n"
                   "write_iolog=" +
                   (tmp.path() / "known.iolog").string() +
                   "\nwrite_lat_log=" + (tmp.path() / "known").string() + "\nlog_offset=1\n");
    const auto f = run(fio_bin() + " " + shell_quote(job));
    INFO(f.err);
    REQUIRE(f.exit_code == 0);
    const auto data = tmp.path() / "data";
    const auto imp =
        run(vscsi_bin() + " --data-dir " + shell_quote(data) + " import fio " +
            shell_quote(tmp.path() / "known.iolog") + " " +
            shell_quote(tmp.path() / "known_lat.1.log") + " " +
            shell_quote(tmp.path() / "known_clat.1.log") + " --name known --interval 0.05");
    INFO(imp.out << imp.err);
    REQUIRE(imp.exit_code == 0);
    CHECK_THAT(imp.err,
               Catch::Contains("known_clat.1.log: completion/submission latency log left out"));
    const auto s = analyze_json(data, "known");
    const auto& m = s.at("metrics").as_object();
    CHECK(num(m.at("ios").at("total")) == 3000);
    CHECK(num(m.at("read_percent")) == Approx(70).margin(4));
    CHECK(num(m.at("block_size_distribution").at("read").at("4096")) == Approx(100));
    CHECK(num(m.at("block_size_distribution").at("write").at("65536")) == Approx(100));
    CHECK(num(m.at("sequential_percent").at("write")) > 95);  // 64k writes one after the other
    CHECK(num(m.at("sequential_percent").at("read")) < 5);
    CHECK(num(m.at("queue_depth").at("mean")) >= 5);  // fio keeps up to 8 in flight
    CHECK(num(m.at("queue_depth").at("mean")) <= 9);
    // The logs are kept as evidence; the samples are vscsiStats CSV.
    CHECK(fs::exists(data / "jobs" / "known" / "raw" / "01-known.iolog"));
    const auto sample = read_text(data / "jobs" / "known" / "samples" / "sample-000001.csv");
    CHECK_THAT(
        sample,
        Catch::Contains("Histogram: IO lengths of Read commands,virtual machine worldGroupID,0"));

    // Bad input: file and line named, exit 5, no job left behind.
    write_text(tmp.path() / "bad_lat.1.log", "0, 100, 0, 4096, 0, 0\n1, 100, 9, 4096, 0, 0\n");
    const auto bad = run(vscsi_bin() + " --data-dir " + shell_quote(data) + " import fio " +
                         shell_quote(tmp.path() / "bad_lat.1.log") + " --name bad");
    CHECK(bad.exit_code == 5);
    CHECK_THAT(bad.err,
               Catch::Contains("bad_lat.1.log") && Catch::Contains("2") && Catch::Contains("ddir"));
    CHECK_FALSE(fs::exists(data / "jobs" / "bad"));
    const auto other =
        run(vscsi_bin() + " --data-dir " + shell_quote(data) + " import fio " + shell_quote(job));
    CHECK(other.exit_code == 5);
    CHECK_THAT(other.err, Catch::Contains("log_offset=1"));
}

TEST_CASE("validate: the generated job, run by fio and re-measured, lands within tolerance",
          "[fio][validate]") {
    ScratchDir tmp;
    const auto job = tmp.path() / "oltp";
    REQUIRE(run(gen_samples() + " job " + shell_quote(job) + " --samples 6 --disks 1").exit_code ==
            0);
    // A 2400-IOPS replay in bursts misses its rate by up to 15% when a build
    // loads every core beside it (late wake-ups): the suite must pass there too,
    // so IOPS get 25% here; bench/run_fidelity_bench.py holds them to 5% on a
    // quiet machine. Mix, sizes, sequential share and queue keep their tolerances.
    const auto r = run(vscsi_bin() + " validate " + shell_quote(job) +
                       " --runtime 6 --size 64M --filter none --max-iops-dev 0.25");
    INFO(r.out << r.err);
    CHECK_THAT(r.out, Catch::Contains("mean outstanding IOs") &&
                          Catch::Contains("read IO-size distribution"));
    std::vector<fs::path> runs;
    for (const auto& e : fs::directory_iterator(job / "validation")) runs.push_back(e.path());
    REQUIRE(runs.size() == 1);
    const auto v = json::parse(read_text(runs[0] / "validation.json")).as_object();
    // The simulated disk keeps 8.5 in flight at 1.8 ms reads and 0.65 ms
    // writes, so a read finds 7.3 reads in flight and a write 2.3 writes
    // (Little's law per direction). A faster device replays the queue in
    // bursts: the whole disk's mean holds, but its make-up by direction
    // follows the replay device's latencies, not the measured ones. Every
    // other figure must hold; those are reported, and may miss (exit 6).
    CHECK((r.exit_code == 0 || r.exit_code == 6));
    for (const auto& row : v.at("figures").as_array()) {
        const std::string key(row.at("key").as_string());
        INFO(key);
        if (key.starts_with("outstanding_")) continue;
        if (row.at("scored").as_bool()) CHECK(row.at("pass").as_bool());
    }
    CHECK(fs::exists(runs[0] / "oltp.fio"));
    CHECK(fs::exists(runs[0] / "fio.json"));
    CHECK_FALSE(fs::exists(runs[0] / "target.dat"));  // the default target is removed after the run
    CHECK_THAT(read_text(runs[0] / "oltp.fio"), Catch::Contains("thinktime_blocks="));

    // Tolerances of zero cannot be met: exit 6 and the figures that missed are named.
    const auto tight =
        run(vscsi_bin() + " --json validate " + shell_quote(job) +
            " --runtime 3 --size 64M --filter none --max-size-tvd 0 --max-sequential-points 0");
    INFO(tight.out << tight.err);
    REQUIRE(tight.exit_code == 6);
    const auto t = json::parse(tight.out).as_object();
    CHECK_FALSE(t.at("pass").as_bool());
    bool named = false;
    for (const auto& n : t.at("notes").as_array())
        named = named || std::string(n.as_string()).find("is off by") != std::string::npos;
    CHECK(named);

    // fio is never pointed at data it would destroy without being told.
    write_text(tmp.path() / "precious.dat", "do not overwrite");
    const auto refuse = run(vscsi_bin() + " validate " + shell_quote(job) + " --target " +
                            shell_quote(tmp.path() / "precious.dat"));
    CHECK(refuse.exit_code == 2);
    CHECK_THAT(refuse.err, Catch::Contains("would overwrite"));
    CHECK(read_text(tmp.path() / "precious.dat") == "do not overwrite");
}

TEST_CASE("validate: the real sample's 0.5% reads and mean sizes survive the replay",
          "[fio][validate]") {
    ScratchDir tmp;
    const auto data = tmp.path() / "data";
    REQUIRE(run(vscsi_bin() + " --data-dir " + shell_quote(data) + " import " +
                shell_quote(fixtures_dir() / "esxi-sample-wg2099979-scsi0_0.csv") + " --name real")
                .exit_code == 0);
    // The sample's own 0.8 IOPS give too few IOs in seconds: flat out.
    const auto r = run(vscsi_bin() + " --data-dir " + shell_quote(data) +
                       " --json validate real --rate off --runtime 12 --size 64M --filter none "
                       "--max-read-points 0.2");
    INFO(r.out << r.err);
    const auto v = json::parse(r.out).as_object();
    std::map<std::string, json::object> rows;
    for (const auto& row : v.at("figures").as_array())
        rows[std::string(row.at("key").as_string())] = row.as_object();
    // The one figure a flat-out replay cannot hold: the sample's queue is
    // bursty (547 of 789 writes find no other write in flight, 12 find 33-64), while
    // iodepth keeps 4 in flight all the time. The mean matches, the shape does
    // not, and validate says so (exit 6).
    CHECK(r.exit_code == 6);
    for (const auto& [key, row] : rows) {
        INFO(key);
        if (key == "outstanding_ios.write")
            CHECK_FALSE(row.at("pass").as_bool());
        else if (row.at("scored").as_bool())
            CHECK(row.at("pass").as_bool());
    }
    CHECK(rows.at("outstanding_mean.write").at("pass").as_bool());
    // 4 reads tell no shape; a given --size tells nothing of the seeks' span.
    CHECK_FALSE(rows.at("outstanding_ios.read").at("scored").as_bool());
    CHECK_FALSE(rows.at("seek_distance.write").at("scored").as_bool());
    // Reads and writes ran as two fio jobs in one flow; both were imported.
    CHECK(rows.at("read_percent").at("synthetic").to_number<double>() ==
          Approx(4.0 / 793 * 100).margin(0.2));
    CHECK(rows.at("mean_io_bytes.write").at("pass").as_bool());
    CHECK(std::abs(rows.at("mean_io_bytes.write").at("deviation").to_number<double>()) < 0.02);
    const auto job = read_text(fs::path(std::string(v.at("fio_job").as_string())));
    CHECK_THAT(job, Catch::Contains("flow_id=1") && Catch::Contains("flow=5\n"));

    // Runs started in the same second keep their own folders.
    const auto one = vscsi_bin() + " --data-dir " + shell_quote(data) +
                     " --json validate real --rate off --runtime 1 --size 16M --filter none" +
                     " >/dev/null 2>&1";
    run("(" + one + " & " + one + " & " + one + " & wait)");
    std::size_t folders = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(data / "jobs/real/validation"))
        ++folders;
    CHECK(folders == 4);
}

TEST_CASE("validate: two concurrent streams replayed as their own jobs keep their shapes",
          "[fio][validate]") {
    // The real two-job fio run: 128K sequential reads beside 4K/8K random writes.
    ScratchDir tmp;
    const auto data = tmp.path() / "data";
    const auto vscsi = vscsi_bin() + " --data-dir " + shell_quote(data) + " ";
    REQUIRE(run(vscsi + "import fio " + shell_quote(fixtures_dir() / "fio" / "two-stream") +
                " --name two")
                .exit_code == 0);
    // IOPS get 25% as above (a machine whose cores are all busy wakes fio late).
    const auto r = run(vscsi + "--json validate two --runtime 5 --filter none --max-iops-dev 0.25");
    INFO(r.out << r.err);
    REQUIRE((r.exit_code == 0 || r.exit_code == 6));
    const auto v = json::parse(r.out).as_object();
    std::map<std::string, json::object> rows;
    for (const auto& row : v.at("figures").as_array())
        rows[std::string(row.at("key").as_string())] = row.as_object();
    for (const auto* key :
         {"seek_distance.read", "seek_distance.write", "outstanding_ios.read",
          "outstanding_ios.write", "outstanding_mean.read", "outstanding_mean.write"}) {
        INFO(key);
        CHECK(rows.at(key).at("scored").as_bool());
        const bool queue_of_writes =
            std::string(key).ends_with("write") && std::string(key).starts_with("outstanding");
        // The writes' queue is what the device's latency makes of their
        // arrivals (1.11 in flight at 569 IOPS): a machine with every core
        // busy stretches the latency and the queue with it (+22%, TVD 0.26
        // measured with a build beside it; within 1% and 0.011 when quiet, see
        // bench/run_fidelity_bench.py). Everything else must hold here.
        if (queue_of_writes)
            CHECK(std::abs(rows.at(key).at("deviation").to_number<double>()) < 0.45);
        else
            CHECK(rows.at(key).at("pass").as_bool());
    }
    for (const auto& [key, row] : rows) {
        INFO(key);
        if (row.at("scored").as_bool() && key.find("outstanding") == std::string::npos &&
            key != "queue_depth.mean")
            CHECK(row.at("pass").as_bool());
    }
    CHECK(rows.at("read_percent").at("measured").to_number<double>() == Approx(25.0));
    const auto job = read_text(fs::path(std::string(v.at("fio_job").as_string())));
    CHECK_THAT(job, Catch::Contains("[two-reads]") && Catch::Contains("[two-writes]") &&
                        Catch::Contains("separate streams") && Catch::Contains("size=16m"));
    CHECK(v.at("merged_jobs").as_array().size() == 3);  // two jobs and the file
}
