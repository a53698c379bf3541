// vscsi job start|status|stop|list|delete|cleanup: clients of the daemon.
// `job start --foreground` runs the same JobRunner in this process instead.
#include <fmt/core.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

#include "analysis/workload_metrics.hpp"
#include "app/host_connector.hpp"
#include "app/start_job.hpp"
#include "app/vcenter_placement.hpp"
#include "cli/command_context.hpp"
#include "cli/daemon_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/job_status_text.hpp"
#include "cli/ssh_cli_options.hpp"
#include "cli/subcommand_options.hpp"
#include "cli/vcenter_cli_options.hpp"
#include "collect/host_inventory.hpp"
#include "collect/job_runner.hpp"
#include "collect/new_job.hpp"
#include "format/value_limits.hpp"
#include "protocol/messages.hpp"
#include "protocol/methods.hpp"
#include "util/file_lock.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kStartUsage =
    R"(Usage: vscsi job start (--host H | --vcenter VC) --vm NAME|WGID [--disk LABEL|HANDLE|all]...
                       (--profile NAME | --samples N --interval S)
                       [--name NAME] [--tag K=V]... [--foreground] [ssh options]

--vcenter VC finds the VM's host through vCenter (one --vm, by name) and
follows the VM when it moves (vMotion): the job goes on on the new host after a
gap. The host is reached over SSH by the name vCenter gives it (an
~/.ssh/config alias can map it).

Starts a collection job in the daemon (started on demand) and returns; follow
it with `vscsi job status JOB --follow`. Profiles: quick = 10 samples @ 30 s,
standard = 30 @ 60 s, deep = 100 @ 120 s, plus [profile.NAME] sections of the
config file. --host sim:demo is the built-in simulated host (no SSH).
--foreground runs the job in this process until it ends instead (Ctrl-C stops
it and keeps what was collected).)";

void print_json(const json::value& v) {
    std::cout << compact_json(v) << "\n";
}

// Where the command-line job request and the one sent to the daemon meet.
struct StartOptions {
    std::string host;
    JobRequest req;
    bool foreground = false;
    bool wait = false;
    SshCliOptions ssh;
    std::string vcenter;
    VcenterCliOptions vc;
    std::optional<vcenter::VcenterParams> vc_params;  // with --vcenter: how to reach it
};

// --vcenter: the VM's host, from vCenter; the request says how to follow it.
void place_through_vcenter(StartOptions& o) {
    if (o.req.vms.size() != 1)
        throw UsageError(
            "--vcenter follows one VM: give one --vm (start a job per VM to follow several)");
    auto params = o.vc.to_params(o.vcenter);
    const auto all = app::find_vms_now(params, {}).value();  // exits with what vCenter said
    const auto vm = app::pick_vm(all, o.req.vms.front(), params.target.host).value();
    if (vm.power_state == "poweredOff" || vm.power_state == "suspended")
        throw UsageError(fmt::format("VM {} is {} (vCenter {}): vscsiStats sees only running VMs",
                                     vm.vm, vm.power_state, params.target.host));
    if (!o.host.empty() && o.host != vm.host)
        throw UsageError(fmt::format("--host {}: vCenter {} says VM {} runs on {}", o.host,
                                     params.target.host, vm.vm, vm.host));
    o.host = vm.host;
    o.req.vms = {vm.vm};
    o.req.vcenter =
        app::vcenter_link(params, o.vc.password_file.empty()
                                      ? std::string()
                                      : std::filesystem::absolute(o.vc.password_file).string());
    o.req.vcenter_password = params.password;
    o.vc_params = std::move(params);
}

void print_finished_foreground(const CommandContext& ctx, const collect::JobRunner& runner,
                               const JobDir& dir, JobStatus status) {
    const auto& m = runner.meta();
    if (ctx.json) {
        print_json(json::object{{"job_id", m.job_id},
                                {"status", to_string(status)},
                                {"samples", m.collection.samples_collected},
                                {"path", dir.root().string()},
                                {"vscsistats_stopped", m.cleanup.vscsistats_stopped}});
        return;
    }
    std::cout << fmt::format("Job '{}' {}: {} of {} samples in {}\n", m.job_id, to_string(status),
                             m.collection.samples_collected, m.collection.samples_expected,
                             dir.root().string());
    for (const auto& e : m.collection.errors) std::cout << "  note: " << e << "\n";
    if (!m.cleanup.vscsistats_stopped) {
        std::cout << fmt::format("Warning: vscsiStats may still run on {}: {}\n  run on the host:",
                                 m.host.hostname, m.cleanup.error);
        for (const auto& c : m.cleanup.manual_commands) std::cout << "\n    " << c;
        std::cout << "\n";
    }
    if (m.collection.samples_collected > 0)
        std::cout << fmt::format("Next: vscsi analyze {}\n", m.job_id);
}

int start_foreground(const CommandContext& ctx, StartOptions& o) {
    asio::io_context io;
    const auto params = o.ssh.to_params(o.host);
    const auto shell = app::connect_host(io.get_executor(), params, ctx.data_dir);
    auto& link = *shell;
    int rc = exit_code::failure;
    std::exception_ptr error;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            // The same use case as the daemon's job.start; this process holds the lock.
            auto job = (co_await app::start_job(link, params, ctx.data_dir, o.req)).value();
            collect::JobRunner runner(io.get_executor(), job.dir, job.meta, job.collector, link,
                                      job.command_timeout);
            if (o.vc_params)
                runner.locate_vm = app::vm_locator(
                    io.get_executor(), *o.vc_params, params, [&](const host::SshParams& to) {
                        return std::shared_ptr<host::HostShell>(
                            app::connect_host(io.get_executor(), to, ctx.data_dir));
                    });
            asio::signal_set signals(io.get_executor(), SIGINT, SIGTERM);
            signals.async_wait([&](const boost::system::error_code& ec, int) {
                if (ec) return;
                if (!ctx.json)
                    std::cerr
                        << "\nStopping: finishing the current step, then stopping vscsiStats...\n";
                runner.request_stop();
            });
            std::size_t disks = 0;
            for (const auto& t : job.meta.targets) disks += t.disks.size();
            if (!ctx.json)
                std::cout << fmt::format(
                    "Job '{}': {} sample(s) every {:g} s from {} disk(s) on {} -> {}\n",
                    job.meta.job_id, o.req.samples, o.req.interval_seconds, disks, o.host,
                    job.dir.root().string());
            runner.on_sample = [&](const Sample& s) {
                if (ctx.json) return;
                std::cout << fmt::format(
                    "  sample {}/{}: {:.1f} IOPS over {:.1f} s{}\n", s.header.seq, o.req.samples,
                    sample_total_iops(s.data, s.header.seconds()), s.header.seconds(),
                    s.header.after_gap ? " (after a gap)" : "");
                std::cout.flush();
            };
            const auto status = co_await runner.run();
            signals.cancel();
            link.close();
            print_finished_foreground(ctx, runner, job.dir, status);
            rc = status == JobStatus::failed ? exit_code::failure : exit_code::ok;
        },
        [&](std::exception_ptr e) {
            error = e;
            link.close();  // also on errors: nothing may keep io.run() alive
        });
    io.run();
    if (error) std::rethrow_exception(error);
    return rc;
}

// Polls job.status until the job is no longer running; prints a line per change.
protocol::JobView status_of(DaemonClient& client, const std::string& job) {
    return client.request<protocol::JobView>(protocol::method::job_status, protocol::JobRef{job});
}

// With `ndjson`, every change is one JSON object on its own line (the last one is the
// job's end state), for scripts that read the stream as it comes.
protocol::JobView follow(const CommandContext& ctx, DaemonClient& client, const std::string& job,
                         bool ndjson = false) {
    std::string last;
    const bool tty = ::isatty(STDOUT_FILENO);
    for (;;) {
        auto st = status_of(client, job);
        const bool running = st.status == JobStatus::running || st.live;
        if (ndjson) {
            auto line = compact_json(json::value_from(st));
            if (line != last) std::cout << line << "\n" << std::flush;
            last = std::move(line);
        } else if (!ctx.json) {
            const auto line = format_job_progress_line(st, now_ms());
            // On a terminal the countdown updates in place; in a log, one line per sample.
            if (tty) {
                std::cout << "\r\033[K" << line << std::flush;
            } else {
                auto key = line.substr(0, line.find(", next sample in"));
                if (key != last) std::cout << line << "\n" << std::flush;
                last = key;
            }
        }
        if (!running) {
            if (tty && !ctx.json) std::cout << "\n";
            return st;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(tty ? 1000 : 250));
    }
}

int exit_for_status(const protocol::JobView& st) {
    return st.status == JobStatus::failed ? exit_code::failure : exit_code::ok;
}

std::string job_argument(const CommandContext& ctx, const char* usage,
                         po::options_description& desc, po::variables_map& vm, std::string& job) {
    desc.add_options()("job", po::value(&job), "job name");
    po::positional_options_description pos;
    pos.add("job", 1);
    if (!parse_subcommand(ctx, usage, desc, pos, vm)) return {};
    if (job.empty()) throw UsageError("name a JOB (see `vscsi job list`)");
    return job;
}

}  // namespace

int run_job_start(const CommandContext& ctx) {
    StartOptions o;
    std::vector<std::string> tags;
    double samples = 0;
    po::options_description desc("job start options");
    desc.add_options()("host", po::value(&o.host),
                       "ESXi host (name, address or ~/.ssh/config alias), or sim:demo")(
        "vcenter", po::value(&o.vcenter),
        "find the VM's host through this vCenter and follow the VM")(
        "vm", po::value(&o.req.vms)->composing()->required(),
        "VM display name or worldGroupID, repeatable")(
        "disk", po::value(&o.req.disks)->composing(),
        "disk label (scsi0:1), handleID, or all (default), repeatable")(
        "profile", po::value(&o.req.profile),
        "quick | standard | deep | a [profile.NAME] of the config file")(
        "samples", po::value(&samples), "number of samples")(
        "interval", po::value(&o.req.interval_seconds), "seconds between samples (>= 1)")(
        "name", po::value(&o.req.name), "job name (default VM-YYYYmmdd-HHMMSS)")(
        "tag", po::value(&tags)->composing(), "KEY=VALUE label, repeatable")(
        "foreground", po::bool_switch(&o.foreground), "run the job in this process until it ends")(
        "wait", po::bool_switch(&o.wait),
        "with the daemon: follow the job until it ends (like job status --follow)")(
        "rearm-every", po::value(&o.req.rearm_seconds)->default_value(o.req.rearm_seconds),
        "seconds between re-arms of vscsiStats (its auto-stop is ~1800 s)")(
        "command-timeout",
        po::value(&o.req.command_timeout_seconds)->default_value(o.req.command_timeout_seconds),
        "seconds a remote command may take")(
        "give-up-after", po::value(&o.req.give_up_seconds)->default_value(o.req.give_up_seconds),
        "fail the job when the host (or the daemon) is gone this long (s)");
    o.ssh.add_to(desc);
    o.vc.add_to(desc);
    po::variables_map vm;
    if (!parse_subcommand(ctx, kStartUsage, desc, {}, vm)) return exit_code::ok;
    if (o.host.empty() && o.vcenter.empty())
        throw UsageError("give --host H, or --vcenter VC to find the VM's host");
    if (vm.count("samples"))
        if (auto why = limits::out_of_range(samples, limits::kSamples))
            throw UsageError("--samples " + *why);
    o.req.samples = static_cast<std::uint64_t>(samples);
    if (!o.req.profile.empty()) {
        const auto profiles = collection_profiles(ctx.config_file);
        const auto it = profiles.find(o.req.profile);
        if (it == profiles.end()) {
            std::string names;
            for (const auto& [n, p] : profiles) names += (names.empty() ? "" : ", ") + n;
            throw UsageError(fmt::format("unknown --profile '{}': {}", o.req.profile, names));
        }
        if (!vm.count("samples")) o.req.samples = it->second.samples;
        if (!vm.count("interval")) o.req.interval_seconds = it->second.interval_seconds;
    }
    if (!o.req.samples || (!vm.count("interval") && o.req.profile.empty()))
        throw UsageError("give --profile, or --samples N and --interval S");
    if (auto bad = check_job_request(o.req)) throw UsageError(bad->option() + " " + bad->why);
    if (!o.req.name.empty())
        if (auto named = check_job_name(o.req.name); !named)
            throw UsageError(named.error().message());
    o.req.tags = parse_tags(tags);
    if (!o.vcenter.empty()) place_through_vcenter(o);
    if (o.foreground) return start_foreground(ctx, o);

    protocol::StartJob request{o.req, o.ssh.to_daemon_params(o.host)};
    if (request.job.profile.empty()) request.job.profile = "custom";
    auto client = DaemonClient::connect(ctx);
    protocol::JobView st;
    try {
        st = client.request<protocol::JobView>(protocol::method::job_start, request);
    } catch (const DaemonError&) {
        client.stop_if_started_for_nothing();
        throw;
    }
    const auto id = st.job_id;
    if (!o.wait) {
        if (ctx.json) {
            print_json(json::value_from(st));
        } else {
            std::cout << fmt::format(
                "Started job '{}': {} sample(s) every {} from {} disk(s) on {}\n", id,
                o.req.samples, format_duration(o.req.interval_seconds), st.disks, o.host);
            if (st.expected_end)
                std::cout << fmt::format(
                    "Expected completion: {} (in {})\n", format_display_time(*st.expected_end),
                    format_duration(static_cast<double>(o.req.samples) * o.req.interval_seconds));
            std::cout << fmt::format("Data: {}\nFollow it: vscsi job status {} --follow\n", st.path,
                                     id);
        }
        return exit_code::ok;
    }
    if (!ctx.json)
        std::cout << fmt::format(
            "Started job '{}' in the daemon; following it (Ctrl-C leaves it running)\n", id);
    st = follow(ctx, client, id);
    if (ctx.json)
        print_json(json::value_from(st));
    else
        std::cout << format_job_status(st, now_ms());
    return exit_for_status(st);
}

int run_job_status(const CommandContext& ctx) {
    std::string job;
    bool follow_it = false;
    po::options_description desc("job status options");
    desc.add_options()("follow,f", po::bool_switch(&follow_it),
                       "show live progress until the job ends (with --json: one JSON object "
                       "per line for each change, NDJSON)");
    po::variables_map vm;
    if (job_argument(ctx,
                     "Usage: vscsi job status JOB [--follow]\n\nProgress, next sample, expected "
                     "completion and "
                     "cleanup warnings of one job.",
                     desc, vm, job)
            .empty())
        return exit_code::ok;
    auto client = DaemonClient::connect(ctx);
    const auto st = follow_it ? follow(ctx, client, job, ctx.json) : status_of(client, job);
    if (!ctx.json)
        std::cout << (follow_it ? "\n" : "") << format_job_status(st, now_ms());
    else if (!follow_it)
        print_json(json::value_from(st));
    return follow_it ? exit_for_status(st) : exit_code::ok;
}

int run_job_stop(const CommandContext& ctx) {
    std::string job;
    bool wait = false;
    po::options_description desc("job stop options");
    desc.add_options()("no-wait", po::bool_switch(&wait)->default_value(false),
                       "return at once instead of waiting until vscsiStats is stopped");
    po::variables_map vm;
    if (job_argument(ctx,
                     "Usage: vscsi job stop JOB [--no-wait]\n\nStops a running job: vscsiStats is "
                     "stopped on the "
                     "host and every sample collected so far is kept.",
                     desc, vm, job)
            .empty())
        return exit_code::ok;
    auto client = DaemonClient::connect(ctx);
    const bool was_live = status_of(client, job).live;
    auto st = client.request<protocol::JobView>(protocol::method::job_stop, protocol::JobRef{job});
    if (!was_live && !st.live) {  // nothing to do: exit 0, as `systemctl stop`
        if (ctx.json)
            print_json(json::value_from(st));
        else
            std::cout << fmt::format("Job '{}' is not running (it is {}): nothing to stop\n", job,
                                     to_string(st.status));
        return exit_code::ok;
    }
    if (!wait) {
        while (st.live) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            st = status_of(client, job);
        }
    }
    if (ctx.json)
        print_json(json::value_from(st));
    else
        std::cout << (wait ? fmt::format("Stopping job '{}'\n", job)
                           : format_job_status(st, now_ms()));
    return exit_code::ok;
}

int run_job_resume(const CommandContext& ctx) {
    std::string job;
    po::options_description desc("job resume options");
    po::variables_map vm;
    if (job_argument(ctx,
                     "Usage: vscsi job resume JOB\n\nContinues a failed or stopped job (e.g. one "
                     "that gave up on a full disk) for the samples it still lacks, from now on; "
                     "vscsiStats is started again and the first new sample is marked as after a "
                     "gap.",
                     desc, vm, job)
            .empty())
        return exit_code::ok;
    auto client = DaemonClient::connect(ctx);
    const auto st =
        client.request<protocol::JobView>(protocol::method::job_resume, protocol::JobRef{job});
    if (ctx.json)
        print_json(json::value_from(st));
    else
        std::cout << fmt::format(
            "Resumed job '{}': {} of {} samples on disk\nFollow it: vscsi "
            "job status {} --follow\n",
            job, st.samples_collected, st.samples_expected, job);
    return exit_code::ok;
}

int run_job_list(const CommandContext& ctx) {
    std::vector<std::string> statuses, tags;
    std::string host;
    po::options_description desc("job list options");
    desc.add_options()(
        "status", po::value(&statuses)->composing(),
        "only jobs in this state (pending, running, completed, stopped, failed), repeatable")(
        "host", po::value(&host), "only jobs on this host")(
        "tag", po::value(&tags)->composing(),
        "only jobs with this tag (KEY or KEY=VALUE), repeatable");
    po::variables_map vm;
    if (!parse_subcommand(ctx, "Usage: vscsi job list [--status S]... [--host H] [--tag K[=V]]...",
                          desc, {}, vm))
        return exit_code::ok;
    auto client = DaemonClient::connect(ctx);
    const auto list = client.request<protocol::JobList>(protocol::method::job_list,
                                                        protocol::ListJobs{statuses, host, tags});
    if (ctx.json)
        print_json(json::value_from(list));
    else
        std::cout << format_job_list(list);
    return exit_code::ok;
}

int run_job_delete(const CommandContext& ctx) {
    std::string job;
    bool force = false;
    po::options_description desc("job delete options");
    desc.add_options()("force", po::bool_switch(&force),
                       "do not ask (needed when not on a terminal)");
    po::variables_map vm;
    if (job_argument(ctx,
                     "Usage: vscsi job delete JOB [--force]\n\nDeletes a job directory with all "
                     "its samples and "
                     "analyses. A running job must be stopped first.",
                     desc, vm, job)
            .empty())
        return exit_code::ok;
    auto client = DaemonClient::connect(ctx);
    const auto st = status_of(client, job);  // not_found before any question
    if (st.live)
        throw UsageError(fmt::format(
            "job '{}' is running: stop it first (`vscsi job stop {}`), then delete it", job, job));
    if (!force) {
        if (!::isatty(STDIN_FILENO))
            throw UsageError(fmt::format(
                "deleting '{}' cannot be undone: add --force (no terminal to ask on)", job));
        std::cout << fmt::format("Delete job '{}' ({} samples, {})? Type its name to confirm: ",
                                 job, st.samples_collected, st.path)
                  << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != job) {
            std::cout << "Not deleted.\n";
            return exit_code::failure;
        }
    }
    // After the question, a fresh connection: the daemon closes one idle longer
    // than its idle timeout (30 s), and a person may take longer to answer.
    std::optional<DaemonClient> fresh;
    if (!force) fresh.emplace(DaemonClient::connect(ctx));
    const auto r =
        (fresh ? *fresh : client)
            .request<protocol::Deleted>(protocol::method::job_delete, protocol::JobRef{job});
    if (ctx.json)
        print_json(json::value_from(r));
    else
        std::cout << fmt::format("Deleted job '{}' ({})\n", job, r.path);
    return exit_code::ok;
}

int run_job_cleanup(const CommandContext& ctx) {
    std::string job;
    SshCliOptions ssh;
    po::options_description desc("job cleanup options");
    ssh.add_to(desc);
    po::variables_map vm;
    if (job_argument(ctx,
                     "Usage: vscsi job cleanup JOB [ssh options]\n\nStops vscsiStats collections "
                     "that the job "
                     "started and could not stop (the job's own SSH settings are used; options "
                     "here override "
                     "the key or give a password).",
                     desc, vm, job)
            .empty())
        return exit_code::ok;
    auto client = DaemonClient::connect(ctx);
    const auto r = client.request<protocol::CleanedUp>(
        protocol::method::job_cleanup, protocol::CleanupJob{job, ssh.to_daemon_params("")});
    const auto failed = r.failed;
    if (ctx.json) {
        print_json(json::value_from(r));
    } else if (r.stopped == 0 && failed == 0) {
        std::cout << fmt::format("Job '{}': nothing to clean up, every collection is stopped\n",
                                 job);
    } else {
        std::cout << fmt::format("Job '{}': stopped {} of {} collection(s) on {}\n", job, r.stopped,
                                 r.stopped + failed, r.host);
        for (const auto& f : r.failures) std::cout << "  still running? " << f << "\n";
    }
    return failed ? exit_code::failure : exit_code::ok;
}

int run_job(const CommandContext& ctx) {
    if (group_help_asked(
            ctx, R"(Usage: vscsi job COMMAND [options]   (vscsi job COMMAND --help for its options)

  start     start a collection job: --host, --vm, --samples, --interval ...
  status    one job's state, samples and gaps (--follow to watch)
  stop      stop a running job (its collections on the host too)
  resume    continue a stopped or failed job for the samples it lacks
  list      every job, filtered by --status, --host, --tag
  delete    remove a job's directory (--force stops it first)
  cleanup   stop collections a job left running on its host
)"))
        return exit_code::ok;
    if (ctx.args.empty())
        throw UsageError(
            "usage: vscsi job start|status|stop|resume|list|delete|cleanup ... (see `vscsi "
            "--help`)");
    CommandContext sub = ctx;
    const auto what = sub.args.front();
    sub.args.erase(sub.args.begin());
    if (what == "start") return run_job_start(sub);
    if (what == "status") return run_job_status(sub);
    if (what == "stop") return run_job_stop(sub);
    if (what == "resume") return run_job_resume(sub);
    if (what == "list") return run_job_list(sub);
    if (what == "delete") return run_job_delete(sub);
    if (what == "cleanup") return run_job_cleanup(sub);
    throw UsageError(fmt::format(
        "unknown job command '{}': start, status, stop, resume, list, delete or cleanup", what));
}

}  // namespace vscsi
