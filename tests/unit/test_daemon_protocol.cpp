// The daemon's pure pieces: JSON-RPC codec, rate limiter, systemd environment,
// log lines, Prometheus text, job status text.
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <boost/system/system_error.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <map>
#include <optional>
#include <thread>

#include "cli/job_status_text.hpp"
#include "daemon/job_index.hpp"
#include "daemon/job_views.hpp"
#include "daemon/live_metrics.hpp"
#include "daemon/log.hpp"
#include "daemon/metrics_text.hpp"
#include "daemon/rate_limiter.hpp"
#include "daemon/rpc_server.hpp"
#include "daemon/systemd.hpp"
#include "fixtures.hpp"
#include "format/vscsistats_csv.hpp"
#include "job/job_dir.hpp"
#include "job/sample_file.hpp"
#include "protocol/json_rpc.hpp"
#include "protocol/messages.hpp"
#include "protocol/rpc_binding.hpp"
#include "sim/workload_model.hpp"

using namespace vscsi;
using namespace vscsi::daemon;
using namespace vscsi::protocol;
using namespace vscsi::test;
namespace json = boost::json;

TEST_CASE("JSON-RPC requests: valid, notification, and every malformed shape gets its error",
          "[rpc]") {
    auto one = [](std::string_view line) {
        auto r = parse_request_line(line);
        REQUIRE(r.items.size() == 1);
        return r.items[0];
    };
    auto ok = one(R"({"jsonrpc":"2.0","id":4,"method":"job.status","params":{"job":"a"}})");
    REQUIRE(ok.request);
    CHECK(ok.request->method == "job.status");
    CHECK(ok.request->params.at("job").as_string() == "a");
    CHECK_FALSE(ok.request->notification);
    CHECK(ok.id.as_int64() == 4);

    auto note = one(R"({"jsonrpc":"2.0","method":"daemon.status"})");
    REQUIRE(note.request);
    CHECK(note.request->notification);

    const std::map<std::string, int> bad{
        {"{not json", rpc_code::parse_error},
        {"", rpc_code::parse_error},
        {"[]", rpc_code::invalid_request},
        {"42", rpc_code::invalid_request},
        {R"({"id":1,"method":"x"})", rpc_code::invalid_request},
        {R"({"jsonrpc":"1.0","id":1,"method":"x"})", rpc_code::invalid_request},
        {R"({"jsonrpc":"2.0","id":1})", rpc_code::invalid_request},
        {R"({"jsonrpc":"2.0","id":1,"method":""})", rpc_code::invalid_request},
        {R"({"jsonrpc":"2.0","id":1,"method":7})", rpc_code::invalid_request},
        {R"({"jsonrpc":"2.0","id":{"a":1},"method":"x"})", rpc_code::invalid_request},
        {R"({"jsonrpc":"2.0","id":1,"method":"x","params":[1,2]})", rpc_code::invalid_params},
        {R"({"jsonrpc":"2.0","id":1,"method":"x","params":"s"})", rpc_code::invalid_params},
        {std::string(100, '[') + std::string(100, ']'), rpc_code::parse_error},  // nesting bound
        {"\xff\xfe{}", rpc_code::parse_error},
    };
    for (const auto& [line, code] : bad) {
        INFO(line);
        const auto item = one(line);
        CHECK_FALSE(item.request);
        REQUIRE(item.error);
        CHECK(item.error->code == code);
    }
    // The id is echoed when it could be read, even from an invalid request.
    CHECK(one(R"({"jsonrpc":"1.0","id":"abc","method":"x"})").id.as_string() == "abc");
}

TEST_CASE("JSON-RPC batches answer element by element and are bounded", "[rpc]") {
    const auto r = parse_request_line(
        R"([{"jsonrpc":"2.0","id":1,"method":"a"},5,{"jsonrpc":"2.0","method":"n"}])");
    CHECK(r.batch);
    REQUIRE(r.items.size() == 3);
    CHECK(r.items[0].request);
    CHECK(r.items[1].error->code == rpc_code::invalid_request);
    CHECK(r.items[2].request->notification);
    std::string big = "[";
    for (int i = 0; i < 101; ++i)
        big += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","id":1,"method":"a"})";
    const auto b = parse_request_line(big + "]");
    REQUIRE(b.items.size() == 1);
    CHECK(b.items[0].error->code == rpc_code::invalid_request);
    CHECK(encode_batch({}).empty());
    CHECK(encode_batch({"{}", "{}"}) == "[{},{}]");
}

TEST_CASE("JSON-RPC responses round-trip through the client decoder; codes map to exit codes",
          "[rpc]") {
    const auto res = parse_reply_line(encode_result(3, json::object{{"x", 1}}));
    CHECK(res.id.as_int64() == 3);
    CHECK_FALSE(res.error);
    CHECK(res.result.as_object().at("x").as_int64() == 1);
    const auto err = parse_reply_line(encode_error(3, {rpc_code::not_found, "no job 'a'"}));
    REQUIRE(err.error);
    CHECK(err.error->code == rpc_code::not_found);
    CHECK(err.error->message == "no job 'a'");
    CHECK_THROWS(parse_reply_line("hello"));
    CHECK_THROWS(parse_reply_line(R"({"jsonrpc":"2.0","id":1})"));
    const auto req = json::parse(encode_request(9, "job.list", {{"host", "h"}})).as_object();
    CHECK(req.at("jsonrpc").as_string() == "2.0");
    CHECK(req.at("method").as_string() == "job.list");
    CHECK(exit_code_for_rpc(rpc_code::not_found) == 3);
    CHECK(exit_code_for_rpc(rpc_code::invalid_params) == 2);
    CHECK(exit_code_for_rpc(rpc_code::conflict) == 2);
    CHECK(exit_code_for_rpc(rpc_code::bad_data) == 5);
    CHECK(exit_code_for_rpc(rpc_code::host_failure) == 1);
}

TEST_CASE("the rate limiter allows a burst, then the sustained rate", "[rpc]") {
    RateLimiter r(10, 5);
    const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::seconds(100);
    int allowed = 0;
    for (int i = 0; i < 20; ++i) allowed += r.allow(t0);
    CHECK(allowed == 5);
    CHECK_FALSE(r.allow(t0 + std::chrono::milliseconds(50)));
    CHECK(r.allow(t0 + std::chrono::milliseconds(150)));  // 1.5 tokens refilled
    allowed = 0;
    for (int i = 0; i < 100; ++i) allowed += r.allow(t0 + std::chrono::seconds(10));
    CHECK(allowed == 5);  // never more than the burst
}

TEST_CASE("systemd: socket activation only for our pid, notify socket forms", "[systemd]") {
    std::map<std::string, std::string> env;
    auto lookup = [&](const char* k) -> const char* {
        auto it = env.find(k);
        return it == env.end() ? nullptr : it->second.c_str();
    };
    CHECK(listen_fds_from_env(lookup, 100) == 0);
    env = {{"LISTEN_PID", "100"}, {"LISTEN_FDS", "1"}};
    CHECK(listen_fds_from_env(lookup, 100) == 1);
    CHECK(listen_fds_from_env(lookup, 101) == 0);  // meant for another process (inherited)
    env = {{"LISTEN_PID", "100"}, {"LISTEN_FDS", "x"}};
    CHECK(listen_fds_from_env(lookup, 100) == 0);
    env = {{"LISTEN_PID", "100"}, {"LISTEN_FDS", "-1"}};
    CHECK(listen_fds_from_env(lookup, 100) == 0);
    env = {{"NOTIFY_SOCKET", "/run/user/1000/systemd/notify"}};
    CHECK(notify_socket_from_env(lookup) == "/run/user/1000/systemd/notify");
    env = {{"NOTIFY_SOCKET", "@/org/freedesktop/systemd1/notify/123"}};
    CHECK(notify_socket_from_env(lookup) == "@/org/freedesktop/systemd1/notify/123");
    env = {{"NOTIFY_SOCKET", "relative"}};
    CHECK_FALSE(notify_socket_from_env(lookup));
    env = {};
    CHECK_FALSE(notify_socket_from_env(lookup));
}

TEST_CASE("log lines carry journal priorities under systemd and stay one line", "[log]") {
    CHECK(format_log_line(LogLevel::error, "cannot\nwrite", true, "T") == "<3>cannot write\n");
    CHECK(format_log_line(LogLevel::info, "job a started", true, "T") == "<6>job a started\n");
    CHECK(format_log_line(LogLevel::warning, "x", false, "2026-01-01T00:00:00Z") ==
          "2026-01-01T00:00:00Z warning x\n");
}

TEST_CASE("Prometheus text: gauges of the last sample and cumulative histograms", "[metrics]") {
    WorkloadModel m;
    m.iops = 100;
    const auto d = synthesize_interval(m, {2099979, 8194, "scsi0:0"}, 10, 1);
    JobMetricsView job;
    job.job_id = "sql \"peak\"";
    job.host = "esxi01";
    job.status = JobStatus::running;
    job.samples_collected = 2;
    job.samples_expected = 10;
    DiskMetricsView disk{d.disk, sample_figures(d, 10), {}};
    REQUIRE(disk.cumulative.add(d).has_value());
    REQUIRE(disk.cumulative.add(d).has_value());
    job.disks.push_back(disk);
    const auto text = render_prometheus({job}, 12.5);
    // `vscsi_job`, not `job`: Prometheus would rename that to exported_job.
    const std::string jl = R"(vscsi_job="sql \"peak\"",host="esxi01")";
    CHECK(text.find("{job=") == std::string::npos);
    CHECK(text.find("vscsi_job_state{" + jl + ",state=\"running\"} 1\n") != std::string::npos);
    CHECK(text.find("vscsi_job_state{" + jl + ",state=\"completed\"} 0\n") != std::string::npos);
    CHECK(text.find("# TYPE vscsi_job_samples_collected_total counter\n") != std::string::npos);
    CHECK(text.find("vscsi_job_samples_collected_total{" + jl + "} 2\n") != std::string::npos);
    CHECK(text.find("# TYPE vscsi_job_gaps_total counter\n") != std::string::npos);
    CHECK(text.find("# TYPE vscsi_latency_seconds histogram\n") != std::string::npos);
    CHECK(text.find("vscsi_daemon_uptime_seconds 12.5\n") != std::string::npos);
    // One HELP/TYPE per family.
    std::size_t types = 0;
    for (auto p = text.find("# TYPE vscsi_io_length_bytes "); p != std::string::npos;
         p = text.find("# TYPE vscsi_io_length_bytes ", p + 1))
        ++types;
    CHECK(types == 1);
    // Buckets are cumulative and end at +Inf == _count == 2 x the sample's IOs.
    const auto total = d.find(Metric::io_length, Direction::total)->count * 2;
    const std::string series =
        jl + R"(,disk="scsi0:0",world_group_id="2099979",handle_id="8194",direction="total")";
    CHECK(text.find("vscsi_io_length_bytes_bucket{" + series + ",le=\"+Inf\"} " +
                    std::to_string(total) + "\n") != std::string::npos);
    CHECK(text.find("vscsi_io_length_bytes_count{" + series + "} " + std::to_string(total) +
                    "\n") != std::string::npos);
    std::uint64_t previous = 0;
    bool monotonic = true;
    const std::string prefix = "vscsi_latency_seconds_bucket{" + series + ",le=\"";
    for (auto p = text.find(prefix); p != std::string::npos; p = text.find(prefix, p + 1)) {
        const auto value = std::stoull(text.substr(text.find("} ", p) + 2));
        monotonic = monotonic && value >= previous;
        previous = value;
    }
    CHECK(monotonic);
    // Microsecond limits become seconds and print as people write them.
    CHECK(text.find(prefix + "1e-05\"}") != std::string::npos);
    CHECK(text.find(prefix + "0.0005\"}") != std::string::npos);
    CHECK(text.find("99999") == std::string::npos);  // no 9.999999999999999e-06
    CHECK(previous == d.find(Metric::latency, Direction::total)->count * 2);
    CHECK(text.find("vscsi_last_sample_iops{" + series + "} ") != std::string::npos);
}

namespace {
// The value of one exposition line, by its exact series text.
double series_value(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    REQUIRE(at != std::string::npos);
    return std::stod(text.substr(at + series.size() + 2));
}
}  // namespace

TEST_CASE("live metrics: the first IO's gap after -s is left out; finished jobs age out",
          "[metrics]") {
    WorkloadModel m;
    m.iops = 100;
    auto d = synthesize_interval(m, {2099979, 8194, "scsi0:0"}, 10, 1);
    auto* ia = d.find(Metric::interarrival, Direction::read);
    REQUIRE(ia != nullptr);
    REQUIRE(ia->count > 10);
    const auto workload_count = ia->count;
    const double workload_sum = static_cast<double>(ia->count) * static_cast<double>(ia->mean);
    // As vscsiStats prints it after -s: one more IO, its gap 6.7 days, in the overflow bucket.
    const std::int64_t first_gap = 581013626718;
    ia->count += 1;
    ia->frequencies.back() += 1;
    ia->max = first_gap;
    ia->mean = static_cast<std::int64_t>((workload_sum + static_cast<double>(first_gap)) /
                                         static_cast<double>(ia->count));
    Sample s;
    s.header = {1,
                *parse_iso8601("2026-11-06T08:00:00Z"),
                *parse_iso8601("2026-11-06T08:00:10Z"),
                "esxi01",
                false,
                {{2099979, 8194, Direction::read}}};
    s.data.disks.push_back(d);
    LiveMetrics live(std::chrono::minutes(5));
    live.track("j", "esxi01");
    live.add_sample("j", s);
    const auto t0 = std::chrono::steady_clock::now();
    live.update("j", JobStatus::running, 1, 2, 0, t0);
    auto text = live.text(1, t0);
    const std::string read =
        R"({vscsi_job="j",host="esxi01",disk="scsi0:0",world_group_id="2099979",handle_id="8194",direction="read")";
    CHECK(series_value(text, "vscsi_interarrival_seconds_count" + read + "}") ==
          static_cast<double>(workload_count));
    // _sum / _count is the workload's mean gap (10 ms at 100 IOPS), not days.
    const double sum = series_value(text, "vscsi_interarrival_seconds_sum" + read + "}");
    CHECK(sum == Approx(workload_sum / 1e6).epsilon(0.01));
    CHECK(sum / static_cast<double>(workload_count) < 0.1);
    // A sample without the mark keeps its overflow IOs: they are the workload's.
    s.header.first_io_gaps.clear();
    s.header.seq = 2;
    live.add_sample("j", s);
    text = live.text(1, t0);
    CHECK(series_value(text, "vscsi_interarrival_seconds_count" + read + "}") ==
          static_cast<double>(workload_count + ia->count));
    // Finished: still there for the keep time, then gone.
    live.update("j", JobStatus::completed, 2, 2, 0, t0);
    CHECK(live.text(1, t0 + std::chrono::minutes(4)).find("vscsi_job=\"j\"") != std::string::npos);
    CHECK(live.text(1, t0 + std::chrono::minutes(5)).find("vscsi_job=\"j\"") == std::string::npos);
}

TEST_CASE("sample files keep the first-IO-gap marks", "[metrics]") {
    SampleHeader h{7,
                   *parse_iso8601("2026-11-06T08:00:00Z"),
                   *parse_iso8601("2026-11-06T08:01:00Z"),
                   "esxi01",
                   false,
                   {{2099979, 8194, Direction::total}, {2099979, 8195, Direction::write}}};
    const auto data = parse_vscsistats_csv_or_throw(test::real_sample());
    Sample back;
    REQUIRE(decode_sample(encode_sample(h, data), "s.csv", back).has_value());
    CHECK(back.header.first_io_gaps == h.first_io_gaps);
    std::string bad = encode_sample(h, data);
    bad.replace(bad.find("8195/write"), 10, "8195/sideways");
    const auto r = decode_sample(bad, "s.csv", back);
    REQUIRE_FALSE(r.has_value());
    CHECK_THAT(r.error().message(), Catch::Contains("s.csv:6: first_io_gap"));
}

TEST_CASE("job status text: progress, countdown, expected completion, cleanup warning",
          "[status]") {
    const auto now = *parse_iso8601("2026-11-06T08:48:40Z");
    auto st = json::parse(R"({"job_id":"sql-peak","status":"running","live":true,"host":"esxi01",
        "vms":[{"name":"SQL-Server-01","world_group_id":12345,"disks":["scsi0:0"]}],"disks":1,
        "profile":{"name":"standard","samples":30,"interval":60},"samples_collected":18,"samples_expected":30,"gaps":0,
        "created_at":"2026-11-06T08:30:22Z","started_at":"2026-11-06T08:30:22Z","completed_at":null,
        "expected_end":"2026-11-06T09:00:22Z","next_sample_at":"2026-11-06T08:49:22Z","stopping":false,"errors":[],
        "cleanup":{"vscsistats_stopped":false,"error":"","manual_commands":[]},"tags":{},"path":"/d/jobs/sql-peak"})")
                  .as_object();
    // As the client decodes the daemon's answer.
    const auto text = format_job_status(json::value_to<JobView>(json::value(st)), now);
    CHECK(text.find("Progress: 18/30 samples (60%)") != std::string::npos);
    CHECK(text.find("Runtime: 18 min 18 s / 30 min") != std::string::npos);
    CHECK(text.find("Next sample in: 42 s") != std::string::npos);
    CHECK(text.find("Expected completion: 2026-11-06T09:00:22Z") != std::string::npos);
    CHECK(text.find("WARNING") == std::string::npos);  // running: vscsiStats is supposed to run
    st["status"] = "failed";
    st["live"] = false;
    st["cleanup"] = json::parse(R"({"vscsistats_stopped":false,"error":"connection lost",
                                    "manual_commands":["vscsiStats -x -w 12345 -i 67890"]})");
    const auto failed = format_job_status(json::value_to<JobView>(json::value(st)), now);
    CHECK(failed.find("WARNING: vscsiStats may still be running on esxi01") != std::string::npos);
    CHECK(failed.find("Run: vscsiStats -x -w 12345 -i 67890") != std::string::npos);
    CHECK(failed.find("vscsi job cleanup sql-peak") != std::string::npos);
    CHECK(format_duration(42) == "42 s");
    CHECK(format_duration(3 * 3600 + 5 * 60) == "3 h 05 min");
    CHECK(format_duration(90000) == "1 d 1 h");
}

namespace {
// TZ for one scope, restored after (POSIX rules: no tzdata needed).
struct ScopedTz {
    explicit ScopedTz(const char* tz) {
        if (const char* old = std::getenv("TZ")) saved = old;
        if (tz)
            ::setenv("TZ", tz, 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }
    ~ScopedTz() {
        if (saved)
            ::setenv("TZ", saved->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }
    std::optional<std::string> saved;
};
}  // namespace

TEST_CASE("one time format on screen: ISO 8601 with its zone, UTC unless TZ says otherwise",
          "[time]") {
    const auto winter = *parse_iso8601("2026-01-15T12:00:00.250Z");
    const auto summer = *parse_iso8601("2026-07-15T12:00:00Z");
    JobList list;
    JobSummary j;
    j.job_id = "sql";
    j.created_at = winter;
    j.vms = {{"SQL-Server-01", 12345, {"scsi0:0"}}};
    list.jobs = {j};
    list.total = 1;
    JobView v;
    v.job_id = "sql";
    v.status = JobStatus::completed;
    v.started_at = winter;
    v.completed_at = summer;
    SECTION("no TZ: UTC, 'Z'") {
        ScopedTz tz(nullptr);
        CHECK(format_display_time(winter) == "2026-01-15T12:00:00Z");
        CHECK(display_zone_name(winter) == "UTC");
        CHECK(format_job_list(list).find("2026-01-15T12:00:00Z") != std::string::npos);
        CHECK(format_job_status(v, summer).find("Collection started: 2026-01-15T12:00:00Z") !=
              std::string::npos);
        // A time typed without a zone is UTC.
        CHECK(parse_user_time("2026-01-15T12:00:00") == *parse_iso8601("2026-01-15T12:00:00Z"));
    }
    SECTION("TZ set: that zone's offset, summer time included") {
        ScopedTz tz("CET-1CEST,M3.5.0,M10.5.0/3");
        CHECK(format_display_time(winter) == "2026-01-15T13:00:00+01:00");
        CHECK(format_display_time(summer) == "2026-07-15T14:00:00+02:00");
        CHECK(display_zone_name(summer) == "UTC+02:00");
        const auto text = format_job_status(v, summer);
        CHECK(text.find("Collection started: 2026-01-15T13:00:00+01:00") != std::string::npos);
        CHECK(text.find("Collection ended: 2026-07-15T14:00:00+02:00") != std::string::npos);
        CHECK(format_job_list(list).find("2026-01-15T13:00:00+01:00") != std::string::npos);
        // Typed without a zone: that wall clock in TZ; with one: as written.
        CHECK(parse_user_time("2026-07-15T14:00:00") == summer);
        CHECK(parse_user_time("2026-01-15T13:00:00.250") == winter);
        CHECK(parse_user_time("2026-07-15T12:00:00Z") == summer);
        CHECK_FALSE(parse_user_time("2026-07-15 noon"));
    }
}

TEST_CASE("the job index re-reads only changed job.json files and lists unreadable ones with why",
          "[index]") {
    ScratchDir tmp;
    const auto jobs = tmp.path() / "jobs";
    auto make = [&](const std::string& name, JobStatus st) {
        JobDir d(jobs / name);
        REQUIRE_FALSE(d.create_layout());
        JobMeta m;
        m.job_id = name;
        m.status = st;
        m.host.hostname = "esxi01";
        m.tags = {{"site", "lab"}};
        m.collection.samples_expected = 10;
        REQUIRE_FALSE(d.save_meta(m));
        return d;
    };
    make("a", JobStatus::completed);
    auto b = make("b", JobStatus::running);
    std::filesystem::create_directories(jobs / "not-a-job");
    JobIndex index(jobs);
    auto rows = index.refresh();
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].summary->job_id == "b");
    CHECK(rows[1].summary->status == JobStatus::running);
    // Each row kept as the client gets it.
    CHECK(json::parse(rows[1].json) == protocol::to_json(*rows[1].summary));
    auto m = b.load_meta();
    m.status = JobStatus::stopped;
    m.collection.samples_collected = 7;
    REQUIRE_FALSE(b.save_meta(m));
    rows = index.refresh();
    CHECK(rows[1].summary->status == JobStatus::stopped);
    CHECK(rows[1].summary->samples_collected == 7);
    CHECK(json::parse(rows[1].json).at("samples_collected") == 7);
    write_text(jobs / "a" / "job.json", "{ torn");
    rows = index.refresh();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].summary->job_id == "a");
    CHECK_THAT(rows[0].summary->problem, Catch::Contains("job.json"));
    CHECK(json::parse(rows[0].json).at("problem").is_string());

    // The answer assembled from kept rows is byte for byte the DOM form's, filters
    // and order included; a row without kept text (a live job) is serialised then.
    JobSummary live = *rows[1].summary;
    live.status = JobStatus::running;
    live.samples_collected = 8;
    rows[1] = {&live, {}};
    ListJobs running_only;
    running_only.status = {"running"};
    for (const auto& filters : {ListJobs{}, running_only}) {
        const auto shown = select_jobs(rows, filters);
        JobList dom;
        dom.total = rows.size();
        for (const auto& r : shown) dom.jobs.push_back(*r.summary);
        CHECK(job_list_answer(shown, rows.size()).json == json::serialize(json::value_from(dom)));
    }
    CHECK(select_jobs(rows, running_only).size() == 1);
    CHECK(encode_result(json::value(7), SerializedResult{R"({"a":1})"}) ==
          encode_result(json::value(7), json::parse(R"({"a":1})")));
    std::filesystem::remove_all(jobs / "b");
    CHECK(index.refresh().size() == 1);
}

TEST_CASE("typed requests: JSON written once, bad fields named, secrets only where asked",
          "[protocol]") {
    StartJob start;
    start.job.vms = {"sql-prod-01"};
    start.job.disks = {"scsi0:0"};
    start.job.samples = 12;
    start.job.interval_seconds = 5;
    start.job.tags = {{"site", "lab"}};
    start.ssh.host = "esxi01";
    start.ssh.port = 2222;
    start.ssh.password = "pw-in-memory";
    start.ssh.connect_timeout = std::chrono::milliseconds(7000);
    const auto v = json::value_from(start);
    CHECK(v.at("ssh").at("password").as_string() == "pw-in-memory");  // over the user's own socket
    const auto back = json::value_to<StartJob>(v);
    CHECK(back.ssh.host == "esxi01");
    CHECK(back.ssh.port == 2222);
    CHECK(back.ssh.connect_timeout.count() == 7000);
    CHECK(back.ssh.password == "pw-in-memory");
    CHECK(back.job.vms == start.job.vms);
    CHECK(back.job.samples == 12);
    CHECK(back.job.tags.at("site") == "lab");
    CHECK_FALSE(back.job.vcenter);
    // A job that follows its VM: the vCenter and its password (in memory only) travel too.
    start.job.vcenter =
        VcenterLink{"vc01", 8443, "/sdk", "ro@vsphere.local", "", "AB:CD", "", false};
    start.job.vcenter_password = "vc-pw-in-memory";
    const auto with_vc = json::value_to<StartJob>(json::value_from(start));
    REQUIRE(with_vc.job.vcenter);
    CHECK(with_vc.job.vcenter->server == "vc01");
    CHECK(with_vc.job.vcenter->port == 8443);
    CHECK(with_vc.job.vcenter->thumbprint == "AB:CD");
    CHECK(with_vc.job.vcenter_password == "vc-pw-in-memory");
    // The resume plan's form of the same settings never holds the password.
    CHECK_FALSE(host::ssh_params_to_json(start.ssh, host::Secret::omit).contains("password"));

    auto field_error = [](const char* text) -> std::string {
        try {
            (void)json::value_to<StartJob>(json::parse(text));
        } catch (const DataError& e) {
            return e.error().field + ": " + e.error().reason;
        }
        return "accepted";
    };
    CHECK(field_error(R"({"host":"h"})") ==
          "params.vms: name at least one VM (display name or worldGroupID)");
    CHECK(field_error(R"({"host":"h","vms":["a"],"samples":1e30})") ==
          "params.samples: 1e+30 is out of range: 1 to 10000000");
    CHECK(field_error(R"({"host":"h","vms":["a"],"samples":3,"interval":1e300})") ==
          "params.interval: 1e+300 is out of range: 1 to 86400 s");
    CHECK(field_error(R"({"host":"h","vms":["a"],"samples":3,"interval":1e-9})") ==
          "params.interval: 1e-09 is out of range: 1 to 86400 s");
    CHECK(field_error(R"({"host":"h","vms":["a"],"samples":3,"interval":5,"give_up_after":0})") ==
          "params.give_up_after: 0 is out of range: 1 to 2678400 s");
    CHECK(field_error(R"({"host":"h","vms":["a"],"ssh":{"port":70000}})") ==
          "params.ssh.port: 70000 is out of range: 1 to 65535 (or 0 for the default)");
    CHECK(field_error(R"({"vms":["a"]})") == "params.host: missing");
    CHECK(field_error(R"({"host":"h","vms":["a"],"tags":{"k":1}})") ==
          "params.tags.k: must be a string");

    const auto list =
        json::value_to<ListJobs>(json::parse(R"({"status":["running"],"tags":["site=lab"]})"));
    CHECK(list.status == std::vector<std::string>{"running"});
    CHECK_THROWS_WITH(
        json::value_to<ListJobs>(json::parse(R"({"status":["sleeping"]})")),
        Catch::Contains("params.status") && Catch::Contains("'sleeping' is not one of"));
    CHECK_THROWS_WITH(json::value_to<JobRef>(json::parse("{}")),
                      Catch::Contains("params.job: missing"));
    CHECK_FALSE(json::value_to<StopDaemon>(json::parse("{}")).stop_jobs.has_value());
}

TEST_CASE("typed results decode what the daemon encodes", "[protocol]") {
    JobView view;
    view.job_id = "j1";
    view.status = JobStatus::running;
    view.live = true;
    view.vms = {{"sql", 1048576, {"scsi0:0", "scsi0:1"}}};
    view.disks = 2;
    view.profile = {"standard", 30, 60};
    view.samples_collected = 4;
    view.gaps = 1;
    view.created_at = *parse_iso8601("2026-11-30T10:00:00Z");
    view.next_sample_at = *parse_iso8601("2026-11-30T10:05:00Z");
    view.cleanup.manual_commands = {"vscsiStats -x -w 1048576"};
    const auto back = json::value_to<JobView>(json::value_from(view));
    CHECK(back.job_id == "j1");
    CHECK(back.status == JobStatus::running);
    CHECK(back.vms.at(0).disks.size() == 2);
    CHECK(back.profile.samples == 30);
    CHECK(back.gaps == 1);
    CHECK(back.next_sample_at == view.next_sample_at);
    CHECK_FALSE(back.started_at);
    CHECK(back.cleanup.manual_commands == view.cleanup.manual_commands);

    CHECK(rpc_code_for(ErrorKind::conflict) == rpc_code::conflict);
    CHECK(exit_code_for_rpc(rpc_code_for(ErrorKind::usage)) == 2);
    CHECK(exit_code_for_rpc(rpc_code_for(ErrorKind::bad_data)) == 5);
    CHECK(exit_code_for_rpc(rpc_code_for(ErrorKind::not_found)) == 3);
    CHECK(exit_code_for_rpc(rpc_code_for(ErrorKind::host_failure)) == 1);
}

TEST_CASE("one password-file reader: first line, path kept, errors name the file only",
          "[protocol]") {
    ScratchDir tmp;
    write_text(tmp.path() / "pw", "s3cret-line\nignored\n");
    host::SshParams p;
    REQUIRE(host::read_password_file(p, (tmp.path() / "pw").string()).has_value());
    CHECK(p.password == "s3cret-line");
    CHECK(p.password_file == (tmp.path() / "pw").string());
    CHECK_FALSE(host::ssh_params_to_json(p, host::Secret::omit).contains("password"));
    host::SshParams q;
    const auto missing = host::read_password_file(q, (tmp.path() / "nope").string());
    REQUIRE_FALSE(missing.has_value());
    CHECK_THAT(missing.error().message(), Catch::Contains("nope"));
    CHECK(q.password.empty());
}

TEST_CASE("idle clients are disconnected and make room for clients that talk", "[daemon][rpc]") {
    namespace asio = boost::asio;
    using local = asio::local::stream_protocol;
    using namespace std::chrono_literals;
    ScratchDir tmp;
    const auto path = (tmp.path() / "rpc.sock").string();
    asio::io_context io;
    RpcLimits limits;
    limits.max_clients = 3;
    limits.idle_timeout = 400ms;
    RpcServer server(
        local::acceptor(io, local::endpoint(path)),
        [](const RpcRequest&) -> asio::awaitable<RpcResult> { co_return json::value("pong"); },
        limits);
    server.start();
    struct Loop {
        asio::io_context& io;
        std::thread t{[this] { io.run(); }};
        ~Loop() {
            io.stop();
            t.join();
        }
    } loop{io};
    asio::io_context cio;
    auto connect = [&] {
        local::socket s(cio);
        s.connect(local::endpoint(path));
        const timeval tv{3, 0};  // a broken server fails the test instead of hanging it
        ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        return s;
    };
    auto send = [](local::socket& s, const std::string& text) {
        boost::system::error_code ec;
        asio::write(s, asio::buffer(text), ec);
        return ec ? "error: " + ec.message() : std::string("sent");
    };
    auto read_line = [](local::socket& s) {
        std::string buf;
        boost::system::error_code ec;
        asio::read_until(s, asio::dynamic_buffer(buf), '\n', ec);
        return ec ? std::string("error: ") + ec.message() : buf;
    };
    std::vector<local::socket> idle;
    for (int i = 0; i < 3; ++i) {
        idle.push_back(connect());
        std::this_thread::sleep_for(20ms);  // oldest first
    }
    // A fourth client that talks is served; the client idle longest made room.
    auto talker = connect();
    CHECK(send(talker, R"({"jsonrpc":"2.0","id":1,"method":"x"})"
                       "\n") == "sent");
    CHECK_THAT(read_line(talker), Catch::Contains("pong"));
    CHECK_THAT(read_line(idle[0]), Catch::Contains("End of file"));
    // Half a line is not a request: the client is closed after the idle timeout.
    auto half = connect();
    CHECK(send(half, R"({"jsonrpc":"2.0")") == "sent");
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_THAT(read_line(half), Catch::Contains("End of file"));
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    // A client that keeps talking is not idle (600 ms here against a 400 ms timeout).
    auto chatty = connect();
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(200ms);
        CHECK(send(chatty, R"({"jsonrpc":"2.0","id":2,"method":"x"})"
                           "\n") == "sent");
        CHECK_THAT(read_line(chatty), Catch::Contains("pong"));
    }
}

TEST_CASE("errors from Boost reach users without source locations", "[daemon]") {
    const boost::system::system_error e(
        boost::system::error_code(EBADF, boost::system::system_category()), "local_endpoint");
    CHECK(std::string(e.what()).find("[system:9") != std::string::npos);  // as Boost 1.81 says it
    CHECK(vscsi::exception_text(e) == "local_endpoint: Bad file descriptor");
    CHECK(vscsi::exception_text(std::runtime_error("plain [text]")) == "plain [text]");
}
