// vscsi demo: the whole product on the built-in simulated host, no ESXi and
// no SSH needed: daemon, discovery, a short job that survives a daemon crash,
// live metrics, analysis.
#include <arpa/inet.h>
#include <fmt/core.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/command_context.hpp"
#include "cli/daemon_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/job_status_text.hpp"
#include "cli/subcommand_options.hpp"
#include "protocol/messages.hpp"
#include "protocol/methods.hpp"
#include "util/time.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace json = boost::json;

namespace {

void step(const std::string& what) {
    std::cout << "\n== " << what << "\n" << std::flush;
}

// GET http://127.0.0.1:PORT/metrics, body only; empty on any failure (the demo goes on).
std::string fetch_metrics(const std::string& url) {
    unsigned port = 0;
    if (std::sscanf(url.c_str(), "http://127.0.0.1:%u/metrics", &port) != 1) return {};
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string response;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        const std::string req =
            "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
            char buf[65536];
            pollfd p{fd, POLLIN, 0};
            while (::poll(&p, 1, 5000) > 0) {
                const auto n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0) break;
                response.append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    ::close(fd);
    const auto body = response.find("\r\n\r\n");
    return body == std::string::npos ? std::string{} : response.substr(body + 4);
}

protocol::JobView wait_for_samples(DaemonClient& client, const std::string& job, std::uint64_t n) {
    for (;;) {
        auto st =
            client.request<protocol::JobView>(protocol::method::job_status, protocol::JobRef{job});
        std::cout << "  " << format_job_progress_line(st, now_ms()) << "\n" << std::flush;
        if (st.samples_collected >= n || !st.live) return st;
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    }
}

}  // namespace

int run_demo(const CommandContext& ctx) {
    std::uint64_t samples = 12;
    double interval = 1;
    po::options_description desc("demo options");
    desc.add_options()("samples", po::value(&samples)->default_value(samples),
                       "samples the demo job takes (>= 4)")(
        "interval", po::value(&interval)->default_value(interval),
        "seconds between samples (compressed time: "
        "a real job would use 30-120 s)");
    po::variables_map vm;
    if (!parse_subcommand(ctx, R"(Usage: vscsi demo [--samples N] [--interval S]

Runs the product end to end against sim:demo, the built-in simulated ESXi
host (a database VM and a file server): starts the daemon with live metrics if
none runs, discovers the host, starts a short job in the daemon, kills the
daemon mid-job to show the job survive it, reads the live metrics, and
analyzes the job into a workload profile, a fio job and an HTML report.)",
                          desc, {}, vm))
        return exit_code::ok;
    if (samples < 4 || !(interval >= 1))
        throw UsageError("the demo needs --samples >= 4 and --interval >= 1");
    if (ctx.json) throw UsageError("the demo is for people: run it without --json");
    const std::string name = "demo-" + format_compact_utc(now_ms());
    const std::vector<std::string> serve_args{"--metrics-listen", "127.0.0.1:0"};
    auto sub = [&](std::vector<std::string> args) {
        CommandContext c = ctx;
        c.args = std::move(args);
        return c;
    };

    step("the daemon (`vscsi serve`): every job of this user on one event loop");
    CommandContext probe = ctx;
    probe.no_autostart = true;
    bool own = false;
    std::optional<DaemonClient> client;
    try {
        client.emplace(DaemonClient::connect(probe));
        std::cout << "  a daemon is already running: the demo uses it (and does not crash it)\n";
    } catch (const DaemonUnreachable&) {
        client.emplace(DaemonClient::connect(ctx, serve_args));
        own = true;
    }
    auto daemon =
        client->request<protocol::DaemonStatus>(protocol::method::daemon_status, protocol::Empty{});
    std::cout << fmt::format("  pid {}, socket {}\n  data {}\n", daemon.pid, daemon.socket,
                             daemon.data_dir);
    if (!daemon.metrics.empty()) std::cout << "  live metrics " << daemon.metrics << "\n";

    step("vscsi host discover sim:demo");
    if (int rc = run_host(sub({"discover", "sim:demo"}))) return rc;

    step(fmt::format(
        "vscsi job start --host sim:demo --vm sql-prod-01 --samples {} --interval {:g} --name {}",
        samples, interval, name));
    if (int rc = run_job(sub({"start", "--host", "sim:demo", "--vm", "sql-prod-01", "--samples",
                              std::to_string(samples), "--interval", fmt::format("{:g}", interval),
                              "--name", name, "--tag", "purpose=demo"})))
        return rc;
    wait_for_samples(*client, name, samples / 3);

    if (own) {
        const auto pid = static_cast<pid_t>(daemon.pid);
        step(fmt::format("a daemon crash: kill -9 {} in the middle of the job", pid));
        ::kill(pid, SIGKILL);
        for (int i = 0; i < 500 && ::kill(pid, 0) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        client.reset();
        std::cout << "  the next client command starts a new daemon, which resumes every job "
                     "job.json says is running\n";
        client.emplace(DaemonClient::connect(ctx, serve_args));
        daemon = client->request<protocol::DaemonStatus>(protocol::method::daemon_status,
                                                         protocol::Empty{});
        std::cout << fmt::format("  new daemon pid {}, {} job(s) running again\n", daemon.pid,
                                 daemon.live_jobs);
        wait_for_samples(*client, name, samples / 3 + 2);
    }

    if (const auto& url = daemon.metrics; !url.empty()) {
        step("curl " + url + "   (Prometheus text; a few of the lines for this job)");
        std::istringstream lines(fetch_metrics(url));
        std::string line;
        int shown = 0;
        while (std::getline(lines, line)) {
            const bool wanted =
                line.find("vscsi_job=\"" + name + "\"") != std::string::npos &&
                (line.starts_with("vscsi_job_") || line.starts_with("vscsi_last_sample_iops") ||
                 (line.starts_with("vscsi_latency_seconds_bucket") &&
                  line.find("direction=\"read\"") != std::string::npos &&
                  line.find("disk=\"scsi0:0\"") != std::string::npos));
            if (wanted && line.find("state=") != std::string::npos && line.back() == '0') continue;
            if (wanted && shown++ < 24) std::cout << "  " << line << "\n";
        }
    }

    step(fmt::format("vscsi job status {} --follow", name));
    if (int rc = run_job(sub({"status", name, "--follow"}))) return rc;
    step("vscsi job list --tag purpose=demo");
    if (int rc = run_job(sub({"list", "--tag", "purpose=demo"}))) return rc;
    step("vscsi analyze " + name + " --report");
    if (int rc = run_analyze(sub({name, "--report"}))) return rc;
    std::cout << fmt::format(
        "\nThe daemon keeps running for the next jobs: `vscsi daemon status`, `vscsi daemon "
        "stop`.\n"
        "Delete the demo job with `vscsi job delete {} --force`.\n",
        name);
    return exit_code::ok;
}

}  // namespace vscsi
