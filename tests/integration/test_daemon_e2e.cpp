// The daemon end to end: the real `vscsi` binary as daemon and clients, real
// OpenSSH on 127.0.0.1 in front of the simulated ESXi host, curl and promtool
// for the metrics, raw socket clients for malformed input.
#include <fmt/core.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "e2e_world.hpp"
#include "job/job_dir.hpp"

using namespace vscsi;
using namespace vscsi::test;
namespace json = boost::json;

namespace {

// Every sample of a finished job: present, whole, numbered 1..N, each interval
// starting where the previous ended unless marked after a gap.
void check_samples_intact(const std::filesystem::path& job_dir, std::uint64_t expected) {
    const JobDir dir(job_dir);
    const auto meta = dir.load_meta();  // parses: job.json is never torn
    CHECK(meta.collection.samples_collected == expected);
    CHECK(dir.max_sample_seq() == expected);
    std::optional<Sample> previous;
    for (std::uint64_t seq = 1; seq <= expected; ++seq) {
        INFO(dir.sample_path(seq));
        REQUIRE(std::filesystem::exists(dir.sample_path(seq)));
        Sample s;
        test::require_parsed(
            decode_sample(read_text(dir.sample_path(seq)), dir.sample_path(seq).string(), s));
        CHECK(s.header.seq == seq);
        CHECK(s.header.end > s.header.start);
        if (previous && !s.header.after_gap) CHECK(s.header.start == previous->header.end);
        previous = s;
    }
    for (const auto& e : std::filesystem::directory_iterator(dir.samples_dir()))
        CHECK(e.path().filename().string().front() != '.');  // no temp file left behind
}

// A raw client on the daemon's socket, for what the real client never sends.
class RawClient {
  public:
    explicit RawClient(const std::filesystem::path& socket) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, socket.c_str());
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~RawClient() { ::close(fd_); }
    bool send(const std::string& bytes) {
        for (std::size_t off = 0; off < bytes.size();) {
            const auto n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return false;
            off += static_cast<std::size_t>(n);
        }
        return true;
    }
    // The next line, or "" when the daemon closed the connection or said nothing in time.
    std::string line(int timeout_ms = 5000) {
        for (;;) {
            if (auto nl = buf_.find('\n'); nl != std::string::npos) {
                auto l = buf_.substr(0, nl);
                buf_.erase(0, nl + 1);
                return l;
            }
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, timeout_ms) <= 0) return {};
            char b[65536];
            const auto n = ::recv(fd_, b, sizeof b, 0);
            if (n <= 0) return {};
            buf_.append(b, static_cast<std::size_t>(n));
        }
    }

  private:
    int fd_ = -1;
    std::string buf_;
};

}  // namespace

TEST_CASE("daemon: concurrent jobs on two hosts, status, list filters, metrics, stop, delete",
          "[daemon]") {
    SshdFixture host_a, host_b;
    World w;
    const auto start = [&](const SshdFixture& h, const std::string& vm, const std::string& name,
                           int samples, const std::string& extra) {
        return w.call_json("job start --host 127.0.0.1 --vm " + vm + " --samples " +
                           std::to_string(samples) + " --interval 1 --name " + name + extra +
                           ssh_args(h));
    };
    // The first client finds no daemon and starts one.
    const auto a1 = start(host_a, "SQL-Server-01", "a1", 4, " --tag site=lab --tag tier=db");
    CHECK(a1.at("status").as_string() == "running");
    CHECK(a1.at("disks").to_number<int>() == 2);
    CHECK(w.daemon_pid() > 0);
    start(host_a, "2099979", "a2", 4, " --disk scsi0:1 --tag site=lab");
    start(host_b, "SQL-Server-01", "b1", 4, " --tag site=dc2");
    start(host_b, "'web, app (prod)'", "b2", 30, "");

    // Live metrics from a second daemon would be refused (one per data dir):
    // restart with metrics is covered below; here check status while running.
    const auto st = w.status("b2");
    CHECK(st.at("live").as_bool());
    CHECK(st.at("host").as_string() == "127.0.0.1");
    const auto text = run(w.vscsi("job status b2"));
    CHECK_THAT(text.out, Catch::Contains("Status: running") &&
                             Catch::Contains("Expected completion:") &&
                             Catch::Contains("VM: web, app (prod)"));

    wait_finished(w, {"a1", "a2", "b1"}, 60);
    for (const char* j : {"a1", "a2", "b1"}) {
        INFO(j);
        const auto s = w.status(j);
        CHECK(s.at("status").as_string() == "completed");
        CHECK(s.at("cleanup").at("vscsistats_stopped").as_bool());
        check_samples_intact(w.data / "jobs" / j, 4);
    }
    CHECK_THAT(host_a.sim_state(), Catch::Contains("\"collections\": {}"));

    auto list = w.call_json("job list");
    CHECK(list.at("jobs").as_array().size() == 4);
    list = w.call_json("job list --tag site=lab");
    CHECK(list.at("jobs").as_array().size() == 2);
    list = w.call_json("job list --tag tier");
    CHECK(list.at("jobs").as_array().size() == 1);
    list = w.call_json("job list --status running");
    REQUIRE(list.at("jobs").as_array().size() == 1);
    CHECK(list.at("jobs").at(0).at("job_id").as_string() == "b2");
    CHECK(list.at("matched").as_int64() == 1);  // listed
    CHECK(list.at("total").as_int64() == 4);    // in the data directory
    // A job's VMs have one shape in every answer.
    CHECK(list.at("jobs").at(0).at("vms") == w.status("b2").at("vms"));
    CHECK(list.at("jobs").at(0).at("vms").at(0).at("world_group_id").is_int64());
    list = w.call_json("job list --status completed --status stopped --host 127.0.0.1");
    CHECK(list.at("jobs").as_array().size() == 3);
    auto bad = run(w.vscsi("job list --status finished"));
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("finished"));

    // Delete refuses a running job and needs --force off a terminal.
    bad = run(w.vscsi("job delete b2 --force"));
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("vscsi job stop b2"));
    bad = run(w.vscsi("job delete a1 < /dev/null"));
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("--force"));
    CHECK(std::filesystem::exists(w.data / "jobs/a1/job.json"));
    if (run("command -v script").exit_code == 0) {  // util-linux: a terminal for the question
        const auto no =
            run("printf 'a2-typo\\n' | script -qec \"" + w.vscsi("job delete a2") + "\" /dev/null");
        CHECK_THAT(no.out,
                   Catch::Contains("Type its name to confirm") && Catch::Contains("Not deleted"));
        CHECK(std::filesystem::exists(w.data / "jobs/a2/job.json"));
        const auto yes =
            run("printf 'a2\\n' | script -qec \"" + w.vscsi("job delete a2") + "\" /dev/null");
        CHECK_THAT(yes.out, Catch::Contains("Deleted job 'a2'"));
        CHECK_FALSE(std::filesystem::exists(w.data / "jobs/a2"));
    }
    CHECK(run(w.vscsi("job delete a1 --force")).exit_code == 0);
    CHECK_FALSE(std::filesystem::exists(w.data / "jobs/a1"));
    bad = run(w.vscsi("job status a1"));
    CHECK(bad.exit_code == 3);

    // Stop: vscsiStats stopped on the host, what was collected is kept.
    const auto stopped = w.call_json("job stop b2");
    CHECK(stopped.at("status").as_string() == "stopped");
    CHECK(stopped.at("cleanup").at("vscsistats_stopped").as_bool());
    CHECK_THAT(host_b.sim_state(), Catch::Contains("\"collections\": {}"));
    // Stopping it again is a no-op, as `systemctl stop` (exit 0).
    const auto again = run(w.vscsi("job stop b2"));
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.out,
               Catch::Contains("Job 'b2' is not running (it is stopped): nothing to stop"));
    CHECK(run(w.vscsi("job stop no-such-job")).exit_code == 3);

    // Analysis of a daemon job works offline.
    const auto a = run(w.vscsi("analyze b1 --filter none"));
    CHECK(a.exit_code == 0);
    CHECK(std::filesystem::exists(w.data / "jobs/b1/analysis/b1.fio"));

    // Unknown VMs and unreachable hosts are errors for the client, not the daemon.
    bad = run(w.vscsi("job start --host 127.0.0.1 --vm no-such-vm --samples 2 --interval 1" +
                      ssh_args(host_a)));
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("no-such-vm"));
    bad =
        run(w.vscsi("job start --host 127.0.0.1 --port 1 --vm x --samples 2 --interval 1 "
                    "--connect-timeout 2 --no-agent --ssh-config none"));
    CHECK(bad.exit_code == 1);
    CHECK(w.call_json("daemon status").at("live_jobs").to_number<int>() == 0);
}

TEST_CASE("daemon: metrics over HTTP in Prometheus format, checked by curl and promtool",
          "[daemon][metrics]") {
    SshdFixture host;
    World w;
    const auto port = free_port();
    auto daemon = start_daemon(w, "--metrics-listen 127.0.0.1:" + std::to_string(port));
    w.call_json(
        "job start --host 127.0.0.1 --vm SQL-Server-01 --samples 30 --interval 1 --name m1" +
        ssh_args(host));
    wait_for_collected(w, "m1", 2);
    const auto url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
    const auto r = run("curl -sS -i " + url);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("HTTP/1.1 200 OK") &&
                          Catch::Contains("text/plain; version=0.0.4"));
    CHECK_THAT(r.out,
               Catch::Contains(
                   "vscsi_job_state{vscsi_job=\"m1\",host=\"127.0.0.1\",state=\"running\"} 1"));
    CHECK_THAT(r.out,
               Catch::Contains(
                   "vscsi_last_sample_iops{vscsi_job=\"m1\",host=\"127.0.0.1\",disk=\"scsi0:0\""));
    CHECK_THAT(r.out, Catch::Contains("vscsi_latency_seconds_bucket{vscsi_job=\"m1\"") &&
                          Catch::Contains("le=\"+Inf\"}"));
    CHECK_THAT(r.out, Catch::Contains("vscsi_io_length_bytes_count{") &&
                          Catch::Contains("vscsi_io_length_bytes_sum{"));
    CHECK(run("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:" + std::to_string(port) +
              "/nope")
              .out == "404");
    if (run("command -v promtool").exit_code == 0) {
        const auto p = run("curl -s " + url + " | promtool check metrics");
        INFO(p.out << p.err);
        CHECK(p.exit_code == 0);
    } else {
        WARN(
            "promtool not installed (Debian package prometheus): the exposition format was checked "
            "by curl only");
    }
    // SIGTERM: the job stays running in job.json, to be resumed.
    daemon->signal(SIGTERM);
    CHECK(daemon->wait() == 0);
    const auto meta = JobDir(w.data / "jobs/m1").load_meta();
    CHECK(meta.status == JobStatus::running);
    CHECK_THAT(host.sim_state(), Catch::Contains("2099979"));  // still collecting on the host
    // The next client's daemon resumes it; stop ends it for good.
    const auto resumed = w.status("m1");
    CHECK(resumed.at("live").as_bool());
    CHECK(w.call_json("job stop m1").at("status").as_string() == "stopped");
    CHECK_THAT(w.log(), Catch::Contains("resuming"));
}

namespace {

std::filesystem::path source_root() {
    const char* r = std::getenv("VSCSI_SOURCE_ROOT");
    REQUIRE(r != nullptr);
    return r;
}

// The command lines of README's code blocks that start with `vscsi `.
std::vector<std::string> readme_commands() {
    std::vector<std::string> out;
    std::istringstream in(read_text(source_root() / "README.md"));
    bool code = false;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("```")) {
            code = !code;
            continue;
        }
        if (code && line.starts_with("vscsi ")) out.push_back(line);
    }
    return out;
}

std::set<std::string> options_in(const std::string& text) {
    static const std::regex opt(R"((?:^|[\s\[(|`])(--[a-z][a-z0-9-]*))");
    std::set<std::string> found;
    for (std::sregex_iterator it(text.begin(), text.end(), opt), end; it != end; ++it)
        found.insert((*it)[1]);
    return found;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
}

}  // namespace

namespace {

// A real Prometheus server scraping the daemon every 2 s, its TSDB in the world's
// temp dir; queries through its HTTP API.
class PrometheusServer {
  public:
    PrometheusServer(const World& w, int target_port) : port_(free_port()) {
        const auto dir = w.tmp.path() / "prometheus";
        std::filesystem::create_directories(dir / "tsdb");
        write_text(dir / "prometheus.yml",
                   "global:\n  scrape_interval: 2s\n  evaluation_interval: 2s\n"
                   "scrape_configs:\n  - job_name: vscsi\n    static_configs:\n"
                   "      - targets: ['127.0.0.1:" +
                       std::to_string(target_port) + "']\n");
        server_ = std::make_unique<Background>(
            "prometheus --config.file=" + shell_quote(dir / "prometheus.yml") +
                " --storage.tsdb.path=" + shell_quote(dir / "tsdb") +
                " --web.listen-address=127.0.0.1:" + std::to_string(port_) + " --log.level=warn",
            dir / "prometheus.log");
        log_ = dir / "prometheus.log";
        eventually([&] { return run("curl -sf " + url("/-/ready")).exit_code == 0; },
                   "Prometheus ready");
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    // The result vector of an instant query (at `time`, seconds since the epoch, if given).
    json::array query(const std::string& promql, const std::string& time = "") const {
        const auto r = run("curl -sS " + url("/api/v1/query") + " --data-urlencode " +
                           shell_quote("query=" + promql) +
                           (time.empty() ? "" : " --data-urlencode time=" + time));
        INFO(promql << "\n" << r.out << r.err << read_text(log_));
        REQUIRE(r.exit_code == 0);
        const auto v = json::parse(r.out).as_object();
        REQUIRE(v.at("status").as_string() == "success");
        return v.at("data").at("result").as_array();
    }
    // The single value of an instant query (REQUIREs exactly one series).
    double value(const std::string& promql, const std::string& time = "") const {
        const auto res = query(promql, time);
        INFO(promql << " -> " << json::serialize(res));
        REQUIRE(res.size() == 1);
        return std::stod(std::string(res.at(0).at("value").at(1).as_string()));
    }

  private:
    int port_;
    std::filesystem::path log_;
    std::unique_ptr<Background> server_;
};

}  // namespace

TEST_CASE("a real Prometheus server scrapes the daemon: labels, rates, quantiles, counters",
          "[daemon][metrics][prometheus]") {
    if (run("command -v prometheus").exit_code != 0) {
        WARN(
            "prometheus not installed (Debian package prometheus; tools/bootstrap.sh installs "
            "it): the real-server checks did not run");
        return;
    }
    World w;
    const auto port = free_port();
    auto daemon = start_daemon(w, "--metrics-listen 127.0.0.1:" + std::to_string(port));
    PrometheusServer prom(w, port);
    eventually(
        [&] {
            const auto up = prom.query("up{job=\"vscsi\"}");
            return up.size() == 1 && up.at(0).at("value").at(1).as_string() == "1";
        },
        "the target up");
    // sql-prod-01 on sim:demo: scsi0:0 runs 1200 IOPS, scsi0:1 300 (its model); reads'
    // latency is lognormal with mean 1.8 ms, sigma 0.6: median 1.8 ms x e^-0.18 = 1.50 ms.
    w.call_json("job start --host sim:demo --vm sql-prod-01 --samples 40 --interval 1 --name p1");
    // For the counters: samples further apart than scrapes, so Prometheus sees the 0 first.
    w.call_json("job start --host sim:demo --vm 1048780 --samples 6 --interval 3 --name c1");
    const std::string sel = "vscsi_job=\"p1\"";
    eventually(
        [&] { return !prom.query("vscsi_job_samples_collected_total{" + sel + "}").empty(); },
        "the job's series in Prometheus");
    // The label arrives as written: Prometheus' own `job` is the scrape job's.
    const auto state = prom.query("vscsi_job_state{" + sel + ",state=\"running\"}");
    REQUIRE(state.size() == 1);
    const auto& labels = state.at(0).at("metric").as_object();
    CHECK(labels.at("job").as_string() == "vscsi");
    CHECK(labels.at("vscsi_job").as_string() == "p1");
    CHECK_FALSE(labels.contains("exported_job"));
    CHECK(labels.at("host").as_string() == "sim:demo");

    wait_for_collected(w, "p1", 32);
    // README's three queries as written there (their [1m] made [24s]: 24 samples here).
    std::vector<std::string> readme_queries;
    {
        std::istringstream in(read_text(source_root() / "README.md"));
        bool section = false, code = false;
        for (std::string line; std::getline(in, line);) {
            if (line.starts_with("### ")) section = line == "### Live metrics (Prometheus)";
            if (section && line.starts_with("```"))
                code = !code;
            else if (section && code)
                readme_queries.push_back(line);
        }
    }
    REQUIRE(readme_queries.size() == 3);
    for (auto& q : readme_queries) replace_all(q, "[1m]", "[24s]");
    // The value of the series with these labels in a query's result vector.
    auto pick = [&](const json::array& res, const std::map<std::string, std::string>& want) {
        for (const auto& r : res) {
            const auto& m = r.at("metric").as_object();
            bool all = true;
            for (const auto& [k, v] : want) all = all && m.contains(k) && m.at(k).as_string() == v;
            if (all) return std::stod(std::string(r.at("value").at(1).as_string()));
        }
        FAIL("no series " << json::serialize(json::value_from(want)) << " in "
                          << json::serialize(res));
        return 0.0;
    };
    const auto iops = prom.query(readme_queries[0]);
    const auto p99 = prom.query(readme_queries[1]);
    const auto sizes = prom.query(readme_queries[2]);
    // The model's figures: 1200 and 300 IOPS; reads 85% 8 KiB + 15% 64 KiB = 16793.6 bytes.
    CHECK(pick(iops, {{"vscsi_job", "p1"}, {"disk", "scsi0:0"}}) == Approx(1200).epsilon(0.05));
    CHECK(pick(iops, {{"vscsi_job", "p1"}, {"disk", "scsi0:1"}}) == Approx(300).epsilon(0.05));
    CHECK(pick(sizes, {{"vscsi_job", "p1"}, {"disk", "scsi0:0"}, {"direction", "read"}}) ==
          Approx(0.85 * 8192 + 0.15 * 65536).epsilon(0.05));
    // p50 read latency lands in the bucket of the model's median: (1 ms, 5 ms].
    const auto p50 =
        prom.value("histogram_quantile(0.5, sum by (le) (rate(vscsi_latency_seconds_bucket{" + sel +
                   ",disk=\"scsi0:0\",direction=\"read\"}[24s])))");
    CHECK(p50 > 0.001);
    CHECK(p50 <= 0.005);
    // The interarrival _sum/_count is the mean gap between IOs (1/1200 s), not days.
    const auto gap = prom.value("sum(rate(vscsi_interarrival_seconds_sum{" + sel +
                                ",disk=\"scsi0:0\",direction=\"total\"}[24s])) / "
                                "sum(rate(vscsi_interarrival_seconds_count{" +
                                sel + ",disk=\"scsi0:0\",direction=\"total\"}[24s]))");
    CHECK(gap == Approx(1.0 / 1200).epsilon(0.10));

    wait_finished(w, {"p1", "c1"}, 60);
    std::this_thread::sleep_for(std::chrono::seconds(5));  // two more scrapes
    CHECK(w.status("p1").at("samples_collected").as_int64() == 40);
    CHECK(prom.value("vscsi_job_samples_collected_total{" + sel + "}") == 40);
    // Over the whole job too: the first IO's gap after -s (6.7 days on the simulated host, as
    // on the real one) is not in the exported histogram.
    const std::string ia = "{" + sel + ",disk=\"scsi0:0\",direction=\"total\"}";
    CHECK(prom.value("vscsi_interarrival_seconds_sum" + ia + " / vscsi_interarrival_seconds_count" +
                     ia) == Approx(1.0 / 1200).epsilon(0.10));
    // What analyze prints for the same job agrees with README's queries.
    REQUIRE(run(w.vscsi("analyze p1 --filter none")).exit_code == 0);
    const auto summary = json::parse(read_text(w.data / "jobs/p1/analysis/summary.json"));
    for (const auto& d : summary.at("disks").as_array()) {
        const std::string disk(d.at("label").as_string());
        INFO(disk);
        const auto& m = d.at("metrics");
        CHECK(pick(iops, {{"vscsi_job", "p1"}, {"disk", disk}}) ==
              Approx(m.at("iops").at("total").to_number<double>()).epsilon(0.05));
        for (const char* dir : {"read", "write"}) {
            INFO(dir);
            CHECK(pick(sizes, {{"vscsi_job", "p1"}, {"disk", disk}, {"direction", dir}}) ==
                  Approx(m.at("mean_io_bytes").at(dir).to_number<double>()).epsilon(0.02));
            CHECK(1000 * pick(p99, {{"vscsi_job", "p1"}, {"disk", disk}, {"direction", dir}}) ==
                  Approx(m.at("latency_ms").at(dir).at("p99").to_number<double>()).epsilon(0.10));
        }
    }
    // increase() of a counter from 0, at its newest scrape (nothing to extrapolate): every
    // sample the job wrote.
    const std::string c1 = "vscsi_job_samples_collected_total{vscsi_job=\"c1\"}";
    const auto at = fmt::format("{:.3f}", prom.value("timestamp(" + c1 + ")"));
    CHECK(prom.value("increase(" + c1 + "[5m])", at) ==
          Approx(w.status("c1").at("samples_collected").as_int64()).margin(1e-9));
    CHECK(prom.value("vscsi_job_gaps_total{" + sel + "}") == 0);
}

TEST_CASE("daemon stop --stop-jobs while serving metrics with a running job: exit 0, no Boost text",
          "[daemon][metrics]") {
    World w;
    const auto port = free_port();
    auto daemon = start_daemon(w, "--metrics-listen 127.0.0.1:" + std::to_string(port));
    w.call_json("job start --host sim:demo --vm sql-prod-01 --samples 30 --interval 1 --name s1");
    wait_for_collected(w, "s1", 1);
    const auto r = run(w.vscsi("daemon stop --stop-jobs"));
    INFO(r.out << r.err << w.log());
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("1 running job(s) stopped"));
    CHECK(daemon->wait() == 0);
    for (const auto& text : {r.out, r.err, w.log()}) {
        CHECK_THAT(text, !Catch::Contains("[system:") && !Catch::Contains("/usr/include"));
    }
    CHECK(JobDir(w.data / "jobs/s1").load_meta().status == JobStatus::stopped);
}

TEST_CASE("overlapping jobs on one VM share its collection: no gap, stopped by the last one",
          "[daemon][lease]") {
    World w;
    const auto state = w.data / "sim/demo/state.json";
    auto collections = [&] {
        return boost::json::parse(read_text(state)).at("collections").as_object().size();
    };
    auto start = [&](const std::string& args) {
        return w.call_json("job start --host sim:demo --vm sql-prod-01 --interval 1 " + args);
    };
    auto check_no_gap = [&](const std::string& job) {
        const auto st = w.status(job);
        INFO(job << ": " << boost::json::serialize(st));
        CHECK(st.at("status").as_string() == "completed");
        CHECK(st.at("gaps").as_int64() == 0);
        CHECK(st.at("samples_collected").as_int64() == st.at("samples_expected").as_int64());
    };
    SECTION("two daemon jobs on one disk") {
        start("--disk scsi0:0 --samples 6 --name longer");
        start("--disk scsi0:0 --samples 2 --name shorter");
        wait_finished(w, {"shorter"}, 30);
        CHECK(collections() >= 1);  // the longer job's collection goes on
        wait_finished(w, {"longer"}, 30);
        check_no_gap("longer");
        check_no_gap("shorter");
        CHECK(collections() == 0);  // the last one stopped it
    }
    SECTION("a disk job in the foreground inside a VM-wide daemon job") {
        start("--samples 6 --name vmwide");
        wait_for_collected(w, "vmwide", 1);
        const auto fg =
            run(w.vscsi("job start --host sim:demo --vm sql-prod-01 --disk scsi0:0 "
                        "--samples 2 --interval 1 --name disk --foreground"));
        INFO(fg.out << fg.err);
        REQUIRE(fg.exit_code == 0);
        CHECK(collections() >= 1);
        wait_finished(w, {"vmwide"}, 30);
        check_no_gap("vmwide");
        check_no_gap("disk");
        CHECK(collections() == 0);
    }
    SECTION("a VM-wide job ending first leaves a disk job's collection running") {
        start("--disk scsi0:0 --samples 6 --name disk");
        start("--samples 2 --name vmwide");
        wait_finished(w, {"vmwide", "disk"}, 40);
        check_no_gap("disk");
        CHECK(collections() == 0);
    }
}

TEST_CASE("a collection someone else started is sampled as is and left running",
          "[daemon][lease]") {
    World w;
    // sim:demo's host state, as `vscsiStats` on the host would see it.
    REQUIRE(run(w.vscsi("host discover sim:demo")).exit_code == 0);
    const auto sim_dir = w.data / "sim/demo";
    const auto on_host = [&](const std::string& cmd) {
        return run("env VSCSI_SIM_DIR=" + shell_quote(sim_dir) + " " +
                   env_or("VSCSI_ESXI_SIM", "vscsi-esxi-sim") + " " + cmd);
    };
    REQUIRE(on_host("vscsiStats -s -w 1048576 -i 8194").exit_code == 0);  // an admin's, by hand
    auto running = [&] { return on_host("vscsiStats -p all -c -w 1048576 -i 8194").exit_code; };
    w.call_json(
        "job start --host sim:demo --vm sql-prod-01 --disk scsi0:0 --interval 1 --samples 4 "
        "--name longer");
    w.call_json(
        "job start --host sim:demo --vm sql-prod-01 --disk scsi0:0 --interval 1 --samples 2 "
        "--name shorter");
    wait_finished(w, {"longer", "shorter"}, 40);
    for (const char* job : {"longer", "shorter"}) {
        const auto st = w.status(job);
        INFO(job << ": " << boost::json::serialize(st));
        CHECK(st.at("status").as_string() == "completed");
        CHECK(st.at("gaps").as_int64() == 0);
        CHECK(st.at("cleanup").at("vscsistats_stopped").as_bool());
        REQUIRE(st.at("found_running").as_array().size() == 1);
        CHECK(st.at("found_running").at(0).as_string() == "worldGroupID 1048576 handle 8194");
    }
    CHECK(running() == 0);  // neither job stopped it
    CHECK_THAT(run(w.vscsi("job status longer")).out,
               Catch::Contains("Shared: vscsiStats was already collecting worldGroupID 1048576 "
                               "handle 8194 when the job started (not started by vscsi)"));
    // A job on the other disk, not running before: started and stopped by the job itself.
    w.call_json(
        "job start --host sim:demo --vm sql-prod-01 --disk scsi0:1 --interval 1 --samples 2 "
        "--name own");
    wait_finished(w, {"own"}, 30);
    CHECK(w.status("own").at("found_running").as_array().empty());
    CHECK(on_host("vscsiStats -p all -c -w 1048576 -i 8195").exit_code != 0);
    CHECK(running() == 0);
}

TEST_CASE("daemon SIGKILLed 20 times at random moments: every job finishes, no sample lost or torn",
          "[daemon][crash]") {
    SshdFixture host_a, host_b;
    World w;
    const std::uint64_t samples = 14;
    std::vector<std::string> jobs;
    int n = 0;
    for (const auto* h : {&host_a, &host_b}) {
        for (const char* vm : {"SQL-Server-01", "'web, app (prod)'"}) {
            const auto name = "k" + std::to_string(++n);
            w.call_json("job start --host 127.0.0.1 --vm " + std::string(vm) + " --samples " +
                        std::to_string(samples) + " --interval 1 --give-up-after 600 --name " +
                        name + ssh_args(*h));
            jobs.push_back(name);
        }
    }
    std::mt19937 rng(20261124);
    std::uniform_int_distribution<int> pause_ms(150, 1600);
    // Samples as first seen: a completed sample must never change or vanish.
    std::map<std::filesystem::path, std::string> seen;
    for (int kill = 0; kill < 20; ++kill) {
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
        const auto pid = w.daemon_pid();
        REQUIRE(pid > 0);
        ::kill(pid, SIGKILL);
        eventually([&] { return ::kill(pid, 0) != 0; }, "the killed daemon to be gone");
        for (const auto& j : jobs) {
            const JobDir dir(w.data / "jobs" / j);
            (void)dir.load_meta();  // job.json always parses
            for (const auto& e : std::filesystem::directory_iterator(dir.samples_dir())) {
                if (e.path().filename().string().front() == '.') continue;
                const auto text = read_text(e.path());
                auto [it, fresh] = seen.emplace(e.path(), text);
                CHECK(it->second == text);
            }
        }
        // Any client brings the daemon back; it resumes the jobs.
        const auto list = w.call_json("job list --status running");
        (void)list;
    }
    wait_finished(w, jobs, 120);
    for (const auto& j : jobs) {
        INFO(j << "\n" << w.log());
        const auto st = w.status(j);
        CHECK(st.at("status").as_string() == "completed");
        CHECK(st.at("cleanup").at("vscsistats_stopped").as_bool());
        check_samples_intact(w.data / "jobs" / j, samples);
    }
    for (const auto& [path, text] : seen) CHECK(read_text(path) == text);
    CHECK_THAT(host_a.sim_state(), Catch::Contains("\"collections\": {}"));
    CHECK_THAT(host_b.sim_state(), Catch::Contains("\"collections\": {}"));
}

TEST_CASE("a job whose end time passed while no daemon ran is finished with what it has",
          "[daemon][resume]") {
    World w;
    w.call_json(
        "job start --host sim:demo --vm sql-prod-01 --samples 50 --interval 1 --give-up-after 2 "
        "--name late");
    wait_for_collected(w, "late", 2);
    ::kill(w.daemon_pid(), SIGKILL);
    // Pretend the daemon stayed dead for a day: move the job's start back.
    const JobDir dir(w.data / "jobs/late");
    auto meta = dir.load_meta();
    meta.collection.started_at = *meta.collection.started_at - std::chrono::hours(24);
    REQUIRE_FALSE(dir.save_meta(meta));
    const auto on_disk = dir.max_sample_seq();
    wait_finished(w, {"late"}, 30);
    const auto st = w.status("late");
    CHECK(st.at("status").as_string() == "completed");
    CHECK(st.at("samples_collected").to_number<std::uint64_t>() == on_disk);
    CHECK(st.at("cleanup").at("vscsistats_stopped").as_bool());
    CHECK_THAT(json::serialize(st.at("errors")), Catch::Contains("end time passed"));
    CHECK(dir.max_sample_seq() == on_disk);
}

TEST_CASE("cleanup after a failed stop, and a foreground collector is never resumed under it",
          "[daemon][cleanup]") {
    SshdFixture host;
    World w;
    // A foreground job holds its lock: a daemon starting meanwhile leaves it alone.
    const auto fg = w.vscsi(
        "job start --host 127.0.0.1 --vm SQL-Server-01 --samples 4 --interval 1 --name fg "
        "--foreground" +
        ssh_args(host));
    Background foreground(fg, w.tmp.path() / "fg.log");
    // Collecting: the lock is held, and the daemon this status starts sees the job running.
    wait_for_samples(w.job_dir("fg"), 1);
    CHECK_FALSE(w.status("fg").at("live").as_bool());  // the daemon started, did not take it over
    CHECK(foreground.wait() == 0);
    check_samples_intact(w.data / "jobs/fg", 4);

    // Every vscsiStats command fails from now on: the stop cannot stop anything.
    w.call_json(
        "job start --host 127.0.0.1 --vm SQL-Server-01 --disk scsi0:1 --samples 30 --interval 1 "
        "--name dirty" +
        ssh_args(host));
    wait_for_collected(w, "dirty", 1);
    REQUIRE(host.admin("fault fail 1000") == 0);
    const auto st = w.call_json("job stop dirty");
    CHECK(st.at("status").as_string() == "stopped");
    CHECK_FALSE(st.at("cleanup").at("vscsistats_stopped").as_bool());
    const auto text = run(w.vscsi("job status dirty")).out;
    CHECK_THAT(text, Catch::Contains("WARNING: vscsiStats may still be running on 127.0.0.1") &&
                         Catch::Contains("Run: vscsiStats -x -w 2099979 -i 8195") &&
                         Catch::Contains("vscsi job cleanup dirty"));
    const auto listed = run(w.vscsi("job list")).out;
    CHECK_THAT(listed, Catch::Contains("[!] vscsiStats may still run"));
    auto c = run(w.vscsi("job cleanup dirty"));
    CHECK(c.exit_code == 1);  // still failing
    REQUIRE(host.admin("fault fail 0") == 0);
    c = run(w.vscsi("job cleanup dirty"));
    INFO(c.out << c.err);
    CHECK(c.exit_code == 0);
    CHECK_THAT(c.out, Catch::Contains("stopped 1 of 1"));
    CHECK(w.status("dirty").at("cleanup").at("vscsistats_stopped").as_bool());
    CHECK_THAT(host.sim_state(), Catch::Contains("\"collections\": {}"));
    c = run(w.vscsi("job cleanup dirty"));
    CHECK_THAT(c.out, Catch::Contains("nothing to clean up"));
}

TEST_CASE("malformed, oversized and flooding clients get JSON-RPC errors; the daemon carries on",
          "[daemon][fuzz]") {
    World w;
    CHECK(run(w.vscsi("--no-autostart job list")).exit_code ==
          4);  // nothing runs, and nothing was started
    CHECK_FALSE(std::filesystem::exists(w.socket()));
    w.call_json("job list");  // starts the daemon
    auto code_of = [](const std::string& line) {
        INFO(line);
        const auto v = json::parse(line);
        const auto& o = v.is_array() ? v.as_array().at(0).as_object() : v.as_object();
        return o.at("error").at("code").to_number<int>();
    };
    {
        RawClient c(w.socket());
        const std::vector<std::pair<std::string, int>> cases{
            {"{", -32700},
            {"null", -32600},
            {"\"job.list\"", -32600},
            {"[]", -32600},
            {R"({"jsonrpc":"2.0","id":1,"method":"job.status"})", -32602},
            {R"({"jsonrpc":"2.0","id":1,"method":"job.status","params":{"job":"../../etc"}})",
             -32602},
            {R"({"jsonrpc":"2.0","id":1,"method":"job.status","params":{"job":42}})", -32602},
            {R"({"jsonrpc":"2.0","id":1,"method":"job.start","params":{"host":"sim:demo","vms":"x"}})",
             -32602},
            {R"({"jsonrpc":"2.0","id":1,"method":"job.start","params":{"host":"sim:demo","vms":["sql-prod-01"],"samples":-4,"interval":1}})",
             -32602},
            {R"({"jsonrpc":"2.0","id":1,"method":"job.start","params":{"host":"sim:demo","vms":["sql-prod-01"],"samples":2,"interval":0.001}})",
             -32602},
            {R"({"jsonrpc":"2.0","id":1,"method":"job.list","params":{"status":[7]}})", -32602},
            {R"({"jsonrpc":"2.0","id":1,"method":"rm -rf"})", -32601},
            {R"({"jsonrpc":"2.0","id":1,"method":"job.stop","params":{"job":"nope"}})", -32001},
            {std::string(5000, '['), -32700},
        };
        for (const auto& [req, code] : cases) {
            REQUIRE(c.send(req + "\n"));
            CHECK(code_of(c.line()) == code);
        }
        // Random bytes: every line answered, never a crash.
        std::mt19937 rng(7);
        for (int i = 0; i < 200; ++i) {
            std::string junk(static_cast<std::size_t>(rng() % 200 + 1), ' ');
            for (auto& ch : junk) {
                ch = static_cast<char>(rng() % 256);
                if (ch == '\n') ch = 'x';
            }
            if (junk.find_first_not_of(" \t\r") == std::string::npos) junk = "x";
            REQUIRE(c.send(junk + "\n"));
            const auto reply = c.line();
            REQUIRE_FALSE(reply.empty());
            CHECK(code_of(reply) == -32700);
        }
        // A batch mixing good and bad requests, and a notification that gets no answer.
        REQUIRE(c.send(
            R"([{"jsonrpc":"2.0","id":"a","method":"daemon.status"},{"jsonrpc":"2.0","id":"b","method":"x"}])"
            "\n"
            R"({"jsonrpc":"2.0","method":"daemon.status"})"
            "\n"
            R"({"jsonrpc":"2.0","id":9,"method":"daemon.status"})"
            "\n"));
        const auto batch = json::parse(c.line()).as_array();
        REQUIRE(batch.size() == 2);
        CHECK(batch[0].at("result").at("pid").to_number<long>() == w.daemon_pid());
        CHECK(batch[1].at("error").at("code").to_number<int>() == -32601);
        CHECK(json::parse(c.line()).at("id").to_number<int>() == 9);
    }
    {  // Flooding: beyond the burst, requests are refused with rate_limited, not queued.
        RawClient c(w.socket());
        std::string flood;
        for (int i = 0; i < 1500; ++i)
            flood += R"({"jsonrpc":"2.0","id":1,"method":"daemon.status"})"
                     "\n";
        REQUIRE(c.send(flood));
        int limited = 0, answered = 0;
        for (int i = 0; i < 1500; ++i) {
            const auto l = c.line();
            REQUIRE_FALSE(l.empty());
            if (l.find("-32005") != std::string::npos)
                ++limited;
            else
                ++answered;
        }
        CHECK(limited > 0);
        CHECK(answered >= 400);
    }
    {  // A request without a newline within 1 MiB: an error, then the connection is closed.
        RawClient c(w.socket());
        c.send(std::string(1100 * 1024, 'a'));
        const auto l = c.line();
        CHECK(code_of(l) == -32600);
        CHECK_THAT(l, Catch::Contains("longer than"));
        CHECK(c.line(2000).empty());
    }
    {  // Clients that connect and vanish mid-request.
        for (int i = 0; i < 50; ++i) {
            RawClient c(w.socket());
            c.send(R"({"jsonrpc":"2.0","id":1,"meth)");
        }
    }
    const auto st = w.call_json("daemon status");
    CHECK(st.at("pid").to_number<long>() == w.daemon_pid());
    CHECK_THAT(w.log(), !Catch::Contains("internal error"));
}

TEST_CASE("another user's uid cannot use the daemon (SO_PEERCRED)", "[daemon][uid]") {
    if (::geteuid() != 0) {
        WARN(
            "not root: cannot run a daemon as another uid here; the socket directory is 0700 and "
            "the daemon "
            "checks SO_PEERCRED (covered when the suite runs as root, as CI does)");
        return;
    }
    // The daemon runs as nobody (65534); root, a different uid, is the stranger.
    World w;
    std::filesystem::create_directories(w.data);
    for (const auto& p : {w.tmp.path(), w.rt, w.data})
        REQUIRE(::chown(p.c_str(), 65534, 65534) == 0);
    const auto serve = w.vscsi("serve");
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(126);
        ::setenv("HOME", w.tmp.path().c_str(), 1);
        ::execl("/bin/sh", "sh", "-c",
                ("exec " + serve + " 2>" + shell_quote(w.tmp.path() / "serve.log")).c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    eventually([&] { return std::filesystem::exists(w.socket()); }, "the daemon\'s socket");
    REQUIRE(std::filesystem::exists(w.socket()));
    {
        RawClient c(w.socket());  // root passes the directory permissions, not the uid check
        c.send(R"({"jsonrpc":"2.0","id":1,"method":"job.list"})"
               "\n");
        const auto l = c.line();
        CHECK_THAT(l, Catch::Contains("-32006") && Catch::Contains("another user"));
        CHECK(c.line(2000).empty());  // and the connection is closed
    }
    const auto r = run(w.vscsi("--no-autostart job list"));
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("another user"));
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    CHECK_THAT(read_text(w.tmp.path() / "serve.log"), Catch::Contains("refused a client of uid 0"));
}

TEST_CASE("systemd: socket activation, sd_notify READY/STOPPING and journal priorities",
          "[daemon][systemd]") {
    World w;
    std::filesystem::create_directories(w.rt / "vscsi");
    // The notify socket systemd would listen on.
    const auto notify_path = w.tmp.path() / "notify";
    const int notify = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un na{};
    na.sun_family = AF_UNIX;
    std::strcpy(na.sun_path, notify_path.c_str());
    REQUIRE(::bind(notify, reinterpret_cast<sockaddr*>(&na), sizeof na) == 0);
    // The listening socket systemd would pass as fd 3.
    const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un la{};
    la.sun_family = AF_UNIX;
    std::strcpy(la.sun_path, w.socket().c_str());
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&la), sizeof la) == 0);
    REQUIRE(::listen(listener, 16) == 0);
    const auto serve = w.vscsi("serve");
    const auto log = w.tmp.path() / "journal.log";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(listener, 3);
        ::setenv("LISTEN_FDS", "1", 1);
        ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);  // exec keeps the pid
        ::setenv("NOTIFY_SOCKET", notify_path.c_str(), 1);
        ::setenv("JOURNAL_STREAM", "8:12345", 1);
        ::execl("/bin/sh", "sh", "-c", ("exec " + serve + " 2>" + shell_quote(log)).c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(listener);
    auto receive = [&](int timeout_ms) {
        pollfd p{notify, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return std::string{};
        char b[4096];
        const auto n = ::recv(notify, b, sizeof b, 0);
        return n > 0 ? std::string(b, static_cast<std::size_t>(n)) : std::string{};
    };
    const auto ready = receive(10000);
    CHECK_THAT(ready, Catch::Contains("READY=1") && Catch::Contains("STATUS=collecting 0 job(s)"));
    // The socket systemd made is served as is.
    CHECK(w.call_json("daemon status").at("socket").as_string() == w.socket().string());
    w.call_json(
        "job start --host sim:demo --vm sql-prod-01 --samples 1 --interval 1 --name sd --wait");
    CHECK_THAT(receive(5000), Catch::Contains("STATUS=collecting 1 job(s)"));
    CHECK_THAT(receive(5000), Catch::Contains("STATUS=collecting 0 job(s)"));
    ::kill(pid, SIGTERM);
    CHECK_THAT(receive(10000), Catch::Contains("STOPPING=1"));
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WEXITSTATUS(status) == 0);
    ::close(notify);
    const auto journal = read_text(log);
    CHECK_THAT(journal, Catch::StartsWith("<6>socket-activated") && Catch::Contains("\n<5>"));
}

TEST_CASE("config file: data dir, profiles and option defaults; a bad one names file, line and key",
          "[daemon][config]") {
    World w;
    const auto cfg = w.tmp.path() / "config";
    const auto data2 = w.tmp.path() / "from-config";
    write_text(cfg, "data-dir = " + data2.string() +
                        "\n[job]\ngive-up-after = 77\n[profile.tiny]\nsamples = 2\ninterval = 1\n");
    // --data-dir on the command line wins over the file; here the file decides.
    const auto cmd = "env XDG_RUNTIME_DIR=" + shell_quote(w.rt) + " " + vscsi_bin() + " --config " +
                     shell_quote(cfg) + " ";
    auto r = run(
        cmd +
        "--json job start --host sim:demo --vm sql-prod-01 --profile tiny --name cfgjob --wait");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const auto st = json::parse(r.out).as_object();
    CHECK(st.at("status").as_string() == "completed");
    CHECK(st.at("profile").at("name").as_string() == "tiny");
    CHECK(st.at("samples_collected").to_number<int>() == 2);
    const auto meta = JobDir(data2 / "jobs/cfgjob").load_meta();
    REQUIRE(meta.plan);
    CHECK(meta.plan->give_up_after.count() == 77000);
    run(cmd + "--no-autostart daemon stop");

    write_text(cfg, "[ssh]\nuser = root\n\n[job]\ngive-up-after = soon\n");
    r = run(cmd + "job list");
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Catch::Contains(cfg.string() + ":5") && Catch::Contains("give-up-after") &&
                          Catch::Contains("'soon' is not a number"));
    r = run(cmd + "job start --host sim:demo --vm x --profile nope --no-autostart");
    CHECK(r.exit_code == 5);  // the config is read before anything else
    r = run("env XDG_RUNTIME_DIR=" + shell_quote(w.rt) + " " + vscsi_bin() +
            " --config /nonexistent/vscsi.conf job list");
    CHECK(r.exit_code == 3);  // not found, as a missing job or file
    CHECK_THAT(r.err, Catch::Contains("/nonexistent/vscsi.conf"));
}

TEST_CASE("a running job that cannot be resumed is failed visibly and can still be cleaned up",
          "[daemon][resume]") {
    World w;
    w.call_json(
        "job start --host sim:demo --vm sql-prod-01 --disk scsi0:0 --samples 50 --interval 1 "
        "--name noplan");
    wait_for_collected(w, "noplan", 1);
    ::kill(w.daemon_pid(), SIGKILL);
    const JobDir dir(w.data / "jobs/noplan");
    auto meta = dir.load_meta();
    meta.plan.reset();  // as written by a version without resume
    REQUIRE_FALSE(dir.save_meta(meta));
    const auto st = w.status("noplan");  // a new daemon looks at it
    CHECK(st.at("status").as_string() == "failed");
    CHECK_THAT(json::serialize(st.at("errors")), Catch::Contains("cannot be resumed"));
    CHECK(dir.max_sample_seq() >= 1);  // nothing collected is lost
    const auto text = run(w.vscsi("job status noplan")).out;
    CHECK_THAT(text, Catch::Contains("Run: vscsiStats -x -w 1048576 -i 8194"));
    const auto c = run(w.vscsi("job cleanup noplan"));
    INFO(c.out << c.err);
    CHECK(c.exit_code == 0);
    CHECK(w.status("noplan").at("cleanup").at("vscsistats_stopped").as_bool());
}

TEST_CASE("the README's first command: vscsi demo runs the whole product on sim:demo",
          "[daemon][demo]") {
    World w;
    const auto r = run(w.vscsi("demo --samples 6"));
    INFO(r.out << r.err << w.log());
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("VM \"sql-prod-01\"  worldGroupID 1048576"));
    CHECK_THAT(r.out, Catch::Contains("a daemon crash: kill -9") &&
                          Catch::Contains("1 job(s) running again"));
    CHECK_THAT(r.out, Catch::Contains("vscsi_job_state{vscsi_job=\"demo-") &&
                          Catch::Contains("vscsi_last_sample_iops{"));
    CHECK_THAT(r.out, Catch::Contains("completed 6/6 samples") &&
                          Catch::Contains("Peak Workload Profile"));
    std::size_t fio_files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(w.data / "jobs"))
        fio_files += e.path().extension() == ".fio";
    CHECK(fio_files == 1);
    CHECK_THAT(r.out, Catch::Contains("report.html"));
    CHECK(run(w.vscsi("--no-autostart daemon status")).exit_code ==
          0);  // left running for the next jobs
}

TEST_CASE(
    "a client with another runtime dir (cron) finds the data directory's daemon instead of "
    "starting one",
    "[daemon]") {
    World w;
    w.call_json("job list");  // a daemon on w.rt
    const auto pid = w.daemon_pid();
    const auto other_rt = w.tmp.path() / "cron-rt";
    std::filesystem::create_directories(other_rt);
    const auto r = run("env XDG_RUNTIME_DIR=" + shell_quote(other_rt) + " " + vscsi_bin() +
                       " --data-dir " + shell_quote(w.data) + " --json daemon status");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out).at("pid").to_number<long>() == pid);
    CHECK_FALSE(std::filesystem::exists(other_rt / "vscsi"));  // no second daemon
}

TEST_CASE("a refused job start leaves no daemon behind, unless one was running already",
          "[daemon]") {
    World w;
    auto r = run(w.vscsi("job start --host sim:demo --vm nosuchvm --samples 2 --interval 1"));
    INFO(r.out << r.err << w.log());
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("no powered-on VM 'nosuchvm'"));
    CHECK(run(w.vscsi("--no-autostart daemon status")).exit_code == 4);
    // A daemon that was already serving is someone else's: it stays.
    w.call_json("job list");
    const auto pid = w.daemon_pid();
    r = run(w.vscsi("job start --host sim:demo --vm nosuchvm --samples 2 --interval 1"));
    CHECK(r.exit_code == 2);
    CHECK(run(w.vscsi("--no-autostart daemon status")).exit_code == 0);
    CHECK(w.daemon_pid() == pid);
}

TEST_CASE("job status --follow --json streams one object per change (NDJSON)", "[daemon]") {
    World w;
    w.call_json("job start --host sim:demo --vm sql-prod-01 --samples 3 --interval 1 --name f");
    const auto r = run(w.vscsi("--json job status f --follow"));
    INFO(r.out << r.err << w.log());
    REQUIRE(r.exit_code == 0);
    std::vector<json::object> seen;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) seen.push_back(json::parse(line).as_object());
    REQUIRE(seen.size() >= 2);
    for (std::size_t i = 1; i < seen.size(); ++i) {
        CHECK(seen[i] != seen[i - 1]);  // only changes are written
        CHECK(seen[i].at("samples_collected").as_int64() >=
              seen[i - 1].at("samples_collected").as_int64());
    }
    CHECK(seen.front().at("status").as_string() == "running");
    CHECK(seen.back().at("status").as_string() == "completed");
    CHECK(seen.back().at("samples_collected").as_int64() == 3);
}

TEST_CASE("README's commands: every example runs against sim:demo, every option is real",
          "[daemon][docs]") {
    World w;
    const auto commands = readme_commands();
    REQUIRE(commands.size() >= 10);
    // Every option that README or the man page names is one some --help lists.
    std::string helps = run(vscsi_bin() + " --help").out;
    for (const char* c :
         {"analyze",    "compare",       "validate",       "import",
          "import fio", "host discover", "host check",     "job start",
          "job status", "job list",      "job stop",       "job resume",
          "job delete", "job cleanup",   "daemon status",  "daemon stop",
          "serve",      "demo",          "vcenter survey", "host discover --vcenter VC"})
        helps += run(vscsi_bin() + " " + c + " --help").out;
    auto known = options_in(helps);
    known.insert("--now");  // systemctl's, in the man page
    std::string readme_blocks;
    for (const auto& c : commands) readme_blocks += c + "\n";
    const auto man = read_text(source_root() / "data/man/vscsi.1");
    std::string man_plain = man;
    replace_all(man_plain, "\\-", "-");
    for (const auto& text : {readme_blocks, man_plain})
        for (const auto& o : options_in(text)) {
            INFO(o);
            CHECK(known.count(o) == 1);
        }

    // The examples (lines without placeholders) run as written, with sim:demo's names
    // for README's, and times compressed.
    const std::string job_id_in_readme = "SQL-Server-01-20261124-093000";
    const std::vector<std::pair<std::string, std::string>> names = {
        {" --user root", ""},
        {" --key ~/.ssh/esxi_ed25519", ""},
        {"--profile standard", "--samples 2 --interval 1"},
        {"--profile quick", "--samples 2 --interval 1"},
        {"--samples 120 --interval 30", "--samples 2 --interval 1"},
        {"esxi01", "sim:demo"},
        {"SQL-Server-01", "sql-prod-01"},
        {"--vm 2099979", "--vm 1048576"}};
    const auto work = w.tmp.path() / "work";
    std::filesystem::create_directories(work);
    const auto sample = fixtures_dir() / "esxi-sample-wg2099979-scsi0_0.csv";
    std::filesystem::copy_file(sample, work / "esx01-sql.csv");
    for (const char* f : {"day1-1.csv", "day1-2.csv", "day1-3.csv"})
        std::filesystem::copy_file(sample, work / f);
    std::size_t ran = 0;
    std::string first_job;
    for (auto cmd : commands) {
        const bool synopsis = cmd.find_first_of("[|") != std::string::npos ||
                              std::regex_search(cmd, std::regex(R"((?:^|\s)[A-Z][A-Z_]+(?=\s|$))"));
        if (synopsis) continue;
        if (cmd.find(job_id_in_readme) != std::string::npos) {
            REQUIRE_FALSE(first_job.empty());
            replace_all(cmd, job_id_in_readme, first_job);
        }
        for (const auto& [from, to] : names) replace_all(cmd, from, to);
        INFO(cmd);
        const auto r = run("cd " + shell_quote(work) + " && " + w.vscsi(cmd.substr(6)));
        INFO(r.out << r.err << w.log());
        CHECK(r.exit_code == 0);
        ++ran;
        if (first_job.empty() && cmd.find("job start") != std::string::npos) {
            const auto list = w.call_json("job list");
            REQUIRE(list.at("jobs").as_array().size() == 1);
            first_job = std::string(list.at("jobs").at(0).at("job_id").as_string());
        }
    }
    CHECK(ran >= 7);
    wait_finished(w, {first_job, "sql-night"}, 60);
}

TEST_CASE("two data directories, two daemons: a client never uses another directory's daemon",
          "[daemon]") {
    World w;
    w.call_json("job list");  // the daemon of w.data
    const auto a_pid = w.daemon_pid();
    REQUIRE(a_pid > 0);
    const auto b = w.tmp.path() / "b-data";
    auto in_b = [&](const std::string& args) {
        return "env XDG_RUNTIME_DIR=" + shell_quote(w.rt) +
               " XDG_DATA_HOME=" + shell_quote(w.tmp.path()) + " " + vscsi_bin() + " --data-dir " +
               shell_quote(b) + " " + args;
    };
    struct StopB {
        std::function<void()> f;
        ~StopB() { f(); }
    } stop_b{[&] { run(in_b("--no-autostart daemon stop")); }};
    const auto started =
        run(in_b("job start --host sim:demo --vm sql-prod-01 --samples 2 "
                 "--interval 1 --name in-b"));
    INFO(started.out << started.err);
    REQUIRE(started.exit_code == 0);
    CHECK(std::filesystem::exists(b / "jobs" / "in-b"));
    CHECK_FALSE(std::filesystem::exists(w.data / "jobs" / "in-b"));
    CHECK_THAT(run(in_b("job list")).out, Catch::Contains("in-b"));
    CHECK(run(w.vscsi("job list")).out.find("in-b") == std::string::npos);
    const auto st = json::parse(run(in_b("--json daemon status")).out).as_object();
    CHECK(st.at("data_dir").as_string() == b.string());
    CHECK(st.at("pid").to_number<long>() != a_pid);
    CHECK(st.at("socket").as_string() != w.socket().string());
    // Pointed at A's daemon explicitly: refused, naming both directories.
    const auto wrong = run(in_b("--socket " + shell_quote(w.socket()) + " job list"));
    CHECK(wrong.exit_code == 4);
    CHECK_THAT(wrong.err, Catch::Contains(w.data.string()) && Catch::Contains(b.string()));
}

TEST_CASE("serve --stop-jobs-on-exit: SIGTERM stops every job's collections on its host",
          "[daemon]") {
    World w;
    auto daemon = start_daemon(w, "--stop-jobs-on-exit");
    for (const char* n : {"t1", "t2"})
        w.call_json(
            std::string(
                "job start --host sim:demo --vm sql-prod-01 --samples 100 --interval 1 --name ") +
            n);
    wait_for_collected(w, "t2", 1);
    daemon->signal(SIGTERM);
    CHECK(daemon->wait() == 0);
    for (const char* n : {"t1", "t2"}) {
        const auto meta = JobDir(w.data / "jobs" / n).load_meta();
        CHECK(meta.status == JobStatus::stopped);
        CHECK(meta.cleanup.vscsistats_stopped);
        CHECK(meta.collection.samples_collected >= 1);
    }
    // Nothing is left to resume: the next daemon leaves them alone.
    CHECK(w.status("t1").at("status").as_string() == "stopped");
    CHECK_FALSE(w.status("t1").at("live").as_bool());
}

TEST_CASE("a full data directory pauses a job; it completes when space is freed",
          "[daemon][disk]") {
    World w;  // before the mount: World's scratch directory must not be the tmpfs
    std::filesystem::create_directories(w.data);
    // A small file system of its own for the data directory (the tests run as root).
    if (run("mount -t tmpfs -o size=3m tmpfs " + shell_quote(w.data)).exit_code != 0) {
        WARN("cannot mount a tmpfs here (not root, or mounting refused): skipped");
        return;
    }
    struct Unmount {
        std::string path;
        ~Unmount() { run("umount -l " + path); }
    } unmount{shell_quote(w.data)};
    // Over SSH: the host's state is on the host, not in the full data directory.
    SshdFixture host;
    w.call_json(
        "job start --host 127.0.0.1 --vm SQL-Server-01 --samples 8 --interval 1 "
        "--name full" +
        ssh_args(host));
    wait_for_samples(w.job_dir("full"), 2);
    // Fill the file system to the last byte.
    run("dd if=/dev/zero of=" + shell_quote(w.data / "filler") + " bs=64k 2>/dev/null");
    const auto before = samples_on_disk(w.job_dir("full"));
    eventually(
        [&] {
            const auto st = w.status("full");
            std::string errors;
            for (const auto& e : st.at("errors").as_array()) errors += e.as_string().c_str();
            return errors.find("No space left on device: paused") != std::string::npos;
        },
        "the job to say it is paused for lack of space");
    auto st = w.status("full");
    CHECK(st.at("status").as_string() == "running");
    CHECK(st.at("live").as_bool());
    CHECK(samples_on_disk(w.job_dir("full")) <= before + 1);
    std::filesystem::remove(w.data / "filler");
    wait_finished(w, {"full"}, 60);
    st = w.status("full");
    INFO(boost::json::serialize(st) << w.log());
    CHECK(st.at("status").as_string() == "completed");
    CHECK(st.at("samples_collected").to_number<int>() == 8);
    CHECK(samples_on_disk(w.job_dir("full")) == 8);
    CHECK(st.at("gaps").to_number<int>() == 0);  // vscsiStats kept counting through the pause
}

TEST_CASE("job resume continues a stopped job for the samples it lacks", "[daemon][resume]") {
    World w;
    w.call_json("job start --host sim:demo --vm sql-prod-01 --samples 5 --interval 1 --name again");
    wait_for_samples(w.job_dir("again"), 1);
    w.call_json("job stop again");
    wait_finished(w, {"again"}, 30);
    const auto stopped = w.status("again");
    REQUIRE(stopped.at("status").as_string() == "stopped");
    const auto have = stopped.at("samples_collected").to_number<int>();
    REQUIRE(have < 5);
    const auto r = run(w.vscsi("job resume again"));
    INFO(r.out << r.err << w.log());
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Resumed job 'again'"));
    wait_finished(w, {"again"}, 60);
    const auto done = w.status("again");
    CHECK(done.at("status").as_string() == "completed");
    CHECK(done.at("samples_collected").to_number<int>() == 5);
    CHECK(samples_on_disk(w.job_dir("again")) == 5);
    // A completed job has nothing to resume; a running one is refused too.
    const auto again = run(w.vscsi("job resume again"));
    CHECK(again.exit_code != 0);
    CHECK_THAT(again.err, Catch::Contains("only a failed or stopped job is resumed"));
}
