// vscsi serve (the daemon) and vscsi daemon status|stop (its clients).
#include <fmt/core.h>

#include <boost/json.hpp>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/command_context.hpp"
#include "cli/daemon_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/job_status_text.hpp"
#include "cli/subcommand_options.hpp"
#include "daemon/serve.hpp"
#include "protocol/messages.hpp"
#include "protocol/methods.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace json = boost::json;

int run_serve(const CommandContext& ctx) {
    daemon::ServeOptions opts;
    po::options_description desc("serve options");
    desc.add_options()("metrics-listen", po::value(&opts.metrics_listen),
                       "serve Prometheus metrics on ADDRESS:PORT (e.g. 127.0.0.1:9477)")(
        "metrics-keep", po::value(&opts.metrics_keep_minutes)->default_value(60),
        "minutes a finished job's series stay in the metrics after it ends (0: dropped when it "
        "ends)")("stop-jobs-on-exit", po::bool_switch(&opts.stop_jobs_on_exit),
                 "on SIGTERM, stop every job's collections on its host "
                 "(default: leave jobs to be resumed by the next daemon)")(
        "max-request-rate", po::value(&opts.max_request_rate)->default_value(opts.max_request_rate),
        "requests per second one client may send (bursts of twice that); beyond, requests get "
        "rate_limited errors");
    po::variables_map vm;
    if (!parse_subcommand(
            ctx,
            R"(Usage: vscsi serve [--metrics-listen ADDR:PORT] [--metrics-keep MIN] [--stop-jobs-on-exit]

The daemon: runs every job of this user on one event loop and answers the job
commands on $XDG_RUNTIME_DIR/vscsi/vscsi.sock. Clients start it on demand; under
systemd use vscsi.socket (socket activation) and vscsi.service (Type=notify).
On start it resumes the jobs a previous daemon left running.)",
            desc, {}, vm))
        return exit_code::ok;
    if (!(opts.max_request_rate >= 1)) throw UsageError("--max-request-rate must be at least 1");
    if (!(opts.metrics_keep_minutes >= 0 && opts.metrics_keep_minutes <= 525600))
        throw UsageError("--metrics-keep is out of range: 0 to 525600 minutes (a year)");
    opts.data_dir = ctx.data_dir;
    opts.socket_path = socket_path_for(ctx);
    opts.config_file = ctx.config_file.source;
    return daemon::serve(opts);
}

int run_daemon(const CommandContext& ctx) {
    if (group_help_asked(ctx, R"(Usage: vscsi daemon COMMAND [options]

  status    the running daemon: version, pid, data directory, socket, live jobs, metrics
  stop      stop the daemon (--stop-jobs also stops every job's collections;
            without it running jobs resume when a daemon starts again)

The daemon itself runs as `vscsi serve` (started on demand by job commands).
)"))
        return exit_code::ok;
    const auto what = ctx.args.empty() ? std::string{} : ctx.args.front();
    CommandContext sub = ctx;
    if (!sub.args.empty()) sub.args.erase(sub.args.begin());
    if (what == "status") {
        po::options_description desc("daemon status options");
        po::variables_map vm;
        if (!parse_subcommand(sub, "Usage: vscsi daemon status", desc, {}, vm))
            return exit_code::ok;
        sub.no_autostart = true;  // asking whether it runs must not start it
        auto client = DaemonClient::connect(sub);
        const auto st = client.request<protocol::DaemonStatus>(protocol::method::daemon_status,
                                                               protocol::Empty{});
        if (ctx.json) {
            std::cout << compact_json(boost::json::value_from(st)) << "\n";
        } else {
            std::cout << fmt::format(
                "vscsi daemon {} running, pid {}, up {}\n  data: {}\n  socket: {}\n  live jobs: "
                "{}\n",
                st.version, st.pid, format_duration(st.uptime_seconds), st.data_dir, st.socket,
                st.live_jobs);
            if (!st.metrics.empty()) std::cout << "  metrics: " << st.metrics << "\n";
        }
        return exit_code::ok;
    }
    if (what == "stop") {
        bool stop_jobs = false;
        po::options_description desc("daemon stop options");
        desc.add_options()("stop-jobs", po::bool_switch(&stop_jobs),
                           "also stop every running job (default: they are resumed "
                           "when the daemon starts again)");
        po::variables_map vm;
        if (!parse_subcommand(sub, "Usage: vscsi daemon stop [--stop-jobs]", desc, {}, vm))
            return exit_code::ok;
        sub.no_autostart = true;
        std::optional<DaemonClient> connected;
        try {
            connected.emplace(DaemonClient::connect(sub));
        } catch (const DaemonUnreachable&) {
            // Like `systemctl stop` on a stopped unit: the wanted state holds.
            if (ctx.json)
                std::cout << compact_json(
                                 boost::json::object{{"stopping", false}, {"was_running", false}})
                          << "\n";
            else
                std::cout << fmt::format("No vscsi daemon runs for {}: nothing to stop\n",
                                         ctx.data_dir.string());
            return exit_code::ok;
        }
        auto& client = *connected;
        const auto r = client.request<protocol::DaemonStopping>(protocol::method::daemon_stop,
                                                                protocol::StopDaemon{stop_jobs});
        // Wait until it is gone, so a script can start a new one right after.
        client.wait_until_gone(60);
        if (ctx.json)
            std::cout << compact_json(boost::json::value_from(r)) << "\n";
        else
            std::cout << fmt::format("vscsi daemon stopped; {} running job(s) {}\n", r.live_jobs,
                                     stop_jobs ? "stopped" : "will resume when it starts again");
        return exit_code::ok;
    }
    throw UsageError("usage: vscsi daemon status | vscsi daemon stop [--stop-jobs]");
}

}  // namespace vscsi
