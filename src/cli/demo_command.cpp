// vscsi demo: the whole product on the built-in simulated host, no ESXi and
// no SSH needed: daemon, discovery, a short job, live status, analysis.
#include <boost/json.hpp>
#include <fmt/core.h>

#include <iostream>

#include "cli/command_context.hpp"
#include "cli/daemon_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/job_status_text.hpp"
#include "cli/subcommand_options.hpp"
#include "util/time.hpp"

namespace vscsi {
namespace po = boost::program_options;

namespace {
void step(const CommandContext& ctx, const std::string& what) {
    if (!ctx.json) std::cout << "\n== " << what << "\n" << std::flush;
}
}  // namespace

int run_demo(const CommandContext& ctx) {
    std::uint64_t samples = 12;
    double interval = 1;
    po::options_description desc("demo options");
    desc.add_options()
        ("samples", po::value(&samples)->default_value(samples), "samples the demo job takes")
        ("interval", po::value(&interval)->default_value(interval), "seconds between samples (compressed time: "
                                                                     "a real job would use 30-120 s)");
    po::variables_map vm;
    if (!parse_subcommand(ctx, R"(Usage: vscsi demo [--samples N] [--interval S]

Runs the product end to end against sim:demo, the built-in simulated ESXi
host (a database VM and a file server): starts the daemon if none runs,
discovers the host, starts a short job in the daemon, follows it, and
analyzes it into a workload profile and a fio job.)", desc, {}, vm))
        return exit_code::ok;
    const std::string name = "demo-" + format_compact_utc(now_ms());
    auto sub = [&](std::vector<std::string> args) {
        CommandContext c = ctx;
        c.args = std::move(args);
        return c;
    };
    step(ctx, "vscsi host discover sim:demo");
    if (int rc = run_host(sub({"discover", "sim:demo"}))) return rc;
    step(ctx, fmt::format("vscsi job start --host sim:demo --vm sql-prod-01 --samples {} --interval {:g} --name {} --wait",
                          samples, interval, name));
    if (int rc = run_job(sub({"start", "--host", "sim:demo", "--vm", "sql-prod-01", "--samples", std::to_string(samples),
                              "--interval", fmt::format("{:g}", interval), "--name", name, "--tag", "purpose=demo",
                              "--wait"})))
        return rc;
    step(ctx, "vscsi job list --tag purpose=demo");
    if (int rc = run_job(sub({"list", "--tag", "purpose=demo"}))) return rc;
    step(ctx, "vscsi analyze " + name);
    if (int rc = run_analyze(sub({name}))) return rc;
    if (!ctx.json) {
        std::cout << fmt::format(
            "\nThe daemon keeps running for the next jobs: `vscsi daemon status`, `vscsi daemon stop`.\n"
            "Delete the demo job with `vscsi job delete {} --force`.\n", name);
    }
    return exit_code::ok;
}

}  // namespace vscsi
