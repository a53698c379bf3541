// vscsi job start ... --foreground: one collection job run to completion in
// this process (the daemon comes later and runs the same JobRunner).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <iostream>

#include "analysis/workload_metrics.hpp"
#include "cli/command_context.hpp"
#include "cli/exit_codes.hpp"
#include "collect/host_inventory.hpp"
#include "cli/ssh_cli_options.hpp"
#include "cli/subcommand_options.hpp"
#include "collect/job_runner.hpp"
#include "collect/target_selection.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace asio = boost::asio;

namespace {

struct Profile {
    const char* name;
    std::uint64_t samples;
    double interval;
};
constexpr Profile kProfiles[] = {{"quick", 10, 30}, {"standard", 30, 60}, {"deep", 100, 120}};

constexpr const char* kStartUsage = R"(Usage: vscsi job start --host H --vm NAME|WGID [--disk LABEL|HANDLE|all]...
                       (--profile quick|standard|deep | --samples N --interval S)
                       [--name NAME] [--tag K=V]... --foreground [ssh options]

Profiles: quick = 10 samples @ 30 s, standard = 30 @ 60 s, deep = 100 @ 120 s.
--foreground runs the job in this process until it ends (Ctrl-C stops it and
keeps what was collected); the daemon that runs jobs in the background is not
in this version yet.)";

std::string job_name_for(const collect::Selection& s) {
    std::string base;
    for (char c : s.targets.front().vm_name)
        base += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '-';
    if (base.empty() || base.front() == '-') base = "job" + base;
    return fmt::format("{}-{}", base.substr(0, 60), format_compact_utc(now_ms()));
}

}  // namespace

int run_job_start(const CommandContext& ctx) {
    std::string host, profile, name;
    std::vector<std::string> vms, disks, tags;
    std::uint64_t samples = 0;
    double interval = 0, rearm = 20 * 60, command_timeout = 120, give_up = 3600;
    bool foreground = false;
    SshCliOptions ssh;
    po::options_description desc("job start options");
    desc.add_options()
        ("host", po::value(&host)->required(), "ESXi host (name, address or ~/.ssh/config alias)")
        ("vm", po::value(&vms)->composing()->required(), "VM display name or worldGroupID, repeatable")
        ("disk", po::value(&disks)->composing(), "disk label (scsi0:1), handleID, or all (default), repeatable")
        ("profile", po::value(&profile), "quick | standard | deep")
        ("samples", po::value(&samples), "number of samples")
        ("interval", po::value(&interval), "seconds between samples (>= 1)")
        ("name", po::value(&name), "job name (default VM-YYYYmmdd-HHMMSS)")
        ("tag", po::value(&tags)->composing(), "KEY=VALUE label, repeatable")
        ("foreground", po::bool_switch(&foreground), "run the job in this process until it ends")
        ("rearm-every", po::value(&rearm)->default_value(rearm), "seconds between re-arms of vscsiStats (its auto-stop is ~1800 s)")
        ("command-timeout", po::value(&command_timeout)->default_value(command_timeout), "seconds a remote command may take")
        ("give-up-after", po::value(&give_up)->default_value(give_up), "fail the job when the host is unreachable this long (s)");
    ssh.add_to(desc);
    po::variables_map vm;
    if (!parse_subcommand(ctx, kStartUsage, desc, {}, vm)) return exit_code::ok;
    if (!profile.empty()) {
        const Profile* p = nullptr;
        for (const auto& k : kProfiles) if (profile == k.name) p = &k;
        if (!p) throw UsageError(fmt::format("unknown --profile '{}': quick, standard or deep", profile));
        if (!samples) samples = p->samples;
        if (!(interval > 0)) interval = p->interval;
    }
    if (!samples || !(interval >= 1))
        throw UsageError("give --profile, or --samples N and --interval S (S >= 1)");
    if (!foreground)
        throw UsageError("this version runs jobs with --foreground only (the background daemon, `vscsi serve`, "
                         "comes next): add --foreground");
    if (!name.empty())
        if (auto why = invalid_job_name_reason(name)) throw UsageError(*why);

    asio::io_context io;
    collect::HostLink link(io.get_executor(), ssh.to_params(host));
    int rc = exit_code::failure;
    std::exception_ptr error;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        const auto inv = co_await fetch_inventory(link);
        auto sel = collect::select_targets(inv.listing, vms, disks);
        if (name.empty()) name = job_name_for(sel);
        const JobDir dir(jobs_dir(ctx.data_dir) / name);
        if (std::filesystem::exists(dir.job_json()))
            throw UsageError(fmt::format("job '{}' already exists at {}: choose another --name", name, dir.root().string()));
        if (auto ec = dir.create_layout()) throw std::runtime_error(fmt::format("cannot create {}: {}", dir.root().string(), ec.message()));
        JobMeta meta;
        meta.job_id = name;
        meta.created_at = meta.updated_at = now_ms();
        meta.status = JobStatus::pending;
        meta.source = "ssh";
        meta.host = {host, link.params().user, static_cast<int>(link.params().port ? link.params().port : 22), inv.fingerprint};
        meta.targets = sel.targets;
        meta.profile = {profile.empty() ? "custom" : profile, samples, interval};
        meta.tags = parse_tags(tags);
        collect::CollectorConfig cfg;
        cfg.collections = sel.collections;
        cfg.samples = samples;
        cfg.interval = std::chrono::milliseconds(static_cast<long long>(interval * 1000));
        cfg.rearm_every = std::chrono::milliseconds(static_cast<long long>(rearm * 1000));
        cfg.give_up_after = std::chrono::milliseconds(static_cast<long long>(give_up * 1000));
        cfg.origin = host;
        collect::JobRunner runner(io.get_executor(), dir, meta, cfg, link,
                                  std::chrono::milliseconds(static_cast<long long>(command_timeout * 1000)));
        asio::signal_set signals(io.get_executor(), SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) return;
            if (!ctx.json) std::cerr << "\nStopping: finishing the current step, then stopping vscsiStats...\n";
            runner.request_stop();
        });
        if (!ctx.json)
            std::cout << fmt::format("Job '{}': {} sample(s) every {:g} s from {} disk(s) on {} -> {}\n", name, samples,
                                     interval, [&] { std::size_t n = 0; for (auto& t : sel.targets) n += t.disks.size(); return n; }(),
                                     host, dir.root().string());
        runner.on_sample = [&](const Sample& s) {
            if (ctx.json) return;
            std::cout << fmt::format("  sample {}/{}: {:.1f} IOPS over {:.1f} s{}\n", s.header.seq, samples,
                                     sample_total_iops(s.data, s.header.seconds()), s.header.seconds(),
                                     s.header.after_gap ? " (after a gap)" : "");
            std::cout.flush();
        };
        const auto status = co_await runner.run();
        signals.cancel();
        link.close();
        const auto& m = runner.meta();
        if (ctx.json) {
            std::cout << compact_json(boost::json::object{{"job_id", name},
                                                          {"status", to_string(status)},
                                                          {"samples", m.collection.samples_collected},
                                                          {"path", dir.root().string()},
                                                          {"vscsistats_stopped", m.cleanup.vscsistats_stopped}})
                      << "\n";
        } else {
            std::cout << fmt::format("Job '{}' {}: {} of {} samples in {}\n", name, to_string(status),
                                     m.collection.samples_collected, samples, dir.root().string());
            for (const auto& e : m.collection.errors) std::cout << "  note: " << e << "\n";
            if (!m.cleanup.vscsistats_stopped) {
                std::cout << fmt::format("Warning: vscsiStats may still run on {}: {}\n  run on the host:", host, m.cleanup.error);
                for (const auto& c : m.cleanup.manual_commands) std::cout << "\n    " << c;
                std::cout << "\n";
            }
            if (m.collection.samples_collected > 0) std::cout << fmt::format("Next: vscsi analyze {}\n", name);
        }
        rc = status == JobStatus::failed ? exit_code::failure : exit_code::ok;
    }, [&](std::exception_ptr e) {
        error = e;
        link.close();  // also on errors: nothing may keep io.run() alive
    });
    io.run();
    if (error) std::rethrow_exception(error);
    return rc;
}

// Stops, again, every collection job.json records as not stopped: after a
// failed stop, or a collector that was killed. Commands are rebuilt from the
// recorded numbers, never from recorded text.
int run_job_cleanup(const CommandContext& ctx) {
    std::string job;
    bool force = false;
    SshCliOptions ssh;
    po::options_description desc("job cleanup options");
    desc.add_options()
        ("job", po::value(&job), "job name or directory")
        ("force", po::bool_switch(&force), "also when job.json says running (its collector crashed or was killed)");
    ssh.add_to(desc);
    po::positional_options_description pos;
    pos.add("job", 1);
    po::variables_map vm;
    if (!parse_subcommand(ctx, "Usage: vscsi job cleanup JOB [--force] [ssh options]\n\nStops vscsiStats collections "
                               "that the job started and could not stop.", desc, pos, vm))
        return exit_code::ok;
    if (job.empty()) throw UsageError("job cleanup needs a JOB");
    const auto path = resolve_job(job, ctx.data_dir);
    if (!path) throw NotFoundError(fmt::format("no job '{}' in {}", job, jobs_dir(ctx.data_dir).string()));
    const JobDir dir(*path);
    auto meta = dir.load_meta();
    if (meta.status == JobStatus::running && !force)
        throw UsageError(fmt::format("job '{}' is marked running: if its collector is gone (crashed or killed), "
                                     "run `vscsi job cleanup {} --force`", meta.job_id, meta.job_id));
    std::vector<collect::CollectionTarget> pending;
    if (auto it = meta.extra.find("collections"); it != meta.extra.end() && it->value().is_array()) {
        for (const auto& c : it->value().as_array()) {
            const auto& o = c.as_object();
            if (o.at("state").as_string() == "stopped") continue;
            collect::CollectionTarget t;
            t.world_group_id = o.at("world_group_id").to_number<std::int64_t>();
            if (!o.at("handle_id").is_null()) t.handle_id = o.at("handle_id").to_number<std::int64_t>();
            pending.push_back(t);
        }
    }
    if (pending.empty()) {
        if (ctx.json) std::cout << compact_json(boost::json::object{{"job_id", meta.job_id}, {"stopped", 0}}) << "\n";
        else std::cout << fmt::format("Job '{}': nothing to clean up, every collection is stopped\n", meta.job_id);
        return exit_code::ok;
    }
    auto params = ssh.to_params(meta.host.hostname);
    if (params.user.empty()) params.user = meta.host.username;
    if (!params.port && meta.host.port != 22) params.port = static_cast<unsigned>(meta.host.port);
    asio::io_context io;
    collect::HostLink link(io.get_executor(), params);
    std::vector<std::string> failures;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        for (const auto& t : pending) {
            const auto r = co_await link.exec(collect::stop_command(t), std::chrono::seconds(60));
            if (!r.delivered || r.exit_status != 0)
                failures.push_back(fmt::format("{}: {}", collect::stop_command(t),
                                               r.delivered ? (r.err.empty() ? r.out : r.err) : r.transport_error));
        }
    }, [&](std::exception_ptr) { link.close(); });
    io.run();
    auto& cols = meta.extra["collections"].as_array();
    for (auto& c : cols) {
        auto& o = c.as_object();
        const auto cmd = fmt::format("vscsiStats -x -w {}{}", o.at("world_group_id").to_number<std::int64_t>(),
                                     o.at("handle_id").is_null() ? std::string{} : fmt::format(" -i {}", o.at("handle_id").to_number<std::int64_t>()));
        const bool failed = std::any_of(failures.begin(), failures.end(), [&](auto& f) { return f.starts_with(cmd + ":"); });
        if (!failed) o["state"] = "stopped";
    }
    meta.updated_at = now_ms();
    meta.cleanup.vscsistats_stopped = failures.empty();
    meta.cleanup.manual_commands.clear();
    for (const auto& f : failures) meta.cleanup.manual_commands.push_back(f.substr(0, f.find(':')));
    meta.cleanup.error = failures.empty() ? "" : failures.front();
    if (failures.empty()) meta.cleanup.stopped_at = now_ms();
    if (meta.status == JobStatus::running) meta.status = JobStatus::stopped;  // its collector is gone (--force)
    if (auto ec = dir.save_meta(meta)) throw std::runtime_error(fmt::format("cannot write {}: {}", dir.job_json().string(), ec.message()));
    if (ctx.json) {
        std::cout << compact_json(boost::json::object{{"job_id", meta.job_id},
                                                      {"stopped", pending.size() - failures.size()},
                                                      {"failed", failures.size()}})
                  << "\n";
    } else {
        std::cout << fmt::format("Job '{}': stopped {} of {} collection(s) on {}\n", meta.job_id,
                                 pending.size() - failures.size(), pending.size(), meta.host.hostname);
        for (const auto& f : failures) std::cout << "  still running? " << f << "\n";
    }
    return failures.empty() ? exit_code::ok : exit_code::failure;
}

int run_job(const CommandContext& ctx) {
    if (ctx.args.empty()) throw UsageError("usage: vscsi job start ... --foreground (see `vscsi job start --help`)");
    CommandContext sub = ctx;
    const auto what = sub.args.front();
    sub.args.erase(sub.args.begin());
    if (what == "start") return run_job_start(sub);
    if (what == "cleanup") return run_job_cleanup(sub);
    throw UsageError(fmt::format("unknown job command '{}': this version has `vscsi job start --foreground` and "
                                 "`vscsi job cleanup`", what));
}

}  // namespace vscsi
