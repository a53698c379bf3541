// vscsi host discover HOST: VMs and their virtual disks, no daemon needed.
#include <fmt/core.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <iostream>

#include "app/host_connector.hpp"
#include "cli/command_context.hpp"
#include "cli/exit_codes.hpp"
#include "cli/ssh_cli_options.hpp"
#include "cli/subcommand_options.hpp"
#include "collect/host_inventory.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace asio = boost::asio;

namespace {

// Disk sizes as vSphere shows them: binary units, whole when they are.
std::string capacity_text(std::int64_t kb) {
    if (kb <= 0) return "";  // vim-cmd did not say
    const double gib = static_cast<double>(kb) / (1024.0 * 1024.0);
    if (gib >= 1024) return fmt::format("  {:.4g} TiB", gib / 1024);
    if (gib >= 1) return fmt::format("  {:.4g} GiB", gib);
    return fmt::format("  {:.4g} MiB", static_cast<double>(kb) / 1024.0);
}

}  // namespace

int run_host(const CommandContext& ctx) {
    if (group_help_asked(ctx, R"(Usage: vscsi host COMMAND [options]

  discover  the host's VMs and virtual disks (vscsiStats -l, esxcli, vim-cmd)
            vscsi host discover HOST --help for its options
)"))
        return exit_code::ok;
    if (ctx.args.empty() || ctx.args[0] != "discover")
        throw UsageError(
            "usage: vscsi host discover HOST [--user U] [--port P] [--key FILE] [--json]");
    CommandContext sub = ctx;
    sub.args.erase(sub.args.begin());
    std::string host;
    SshCliOptions ssh;
    po::options_description desc("host discover options");
    ssh.add_to(desc);
    desc.add_options()("host", po::value(&host), "ESXi host");
    po::positional_options_description pos;
    pos.add("host", 1);
    po::variables_map vm;
    if (!parse_subcommand(
            sub,
            "Usage: vscsi host discover HOST [options]\n\nLists the VMs (name, worldGroupID, "
            "power state) and their virtual disks (handleID, scsiX:Y)",
            desc, pos, vm))
        return exit_code::ok;
    if (host.empty()) throw UsageError("host discover needs a HOST");

    asio::io_context io;
    const auto shell = app::connect_host(io.get_executor(), ssh.to_params(host), ctx.data_dir);
    auto& link = *shell;
    std::optional<Result<HostInventory>> fetched;
    std::exception_ptr error;
    asio::co_spawn(io, fetch_inventory(link), [&](std::exception_ptr e, Result<HostInventory> r) {
        error = e;
        if (!e) fetched = std::move(r);
        link.close();  // ends the connection's pump, so io.run() returns
    });
    io.run();
    if (error) std::rethrow_exception(error);
    const auto inv = &fetched->value();  // a host or data error ends the command here

    if (ctx.json) {
        std::cout << compact_json(inventory_to_json(*inv)) << "\n";
        return exit_code::ok;
    }
    std::cout << fmt::format("ESXi host: {} (host key {})\n\n", host, inv->fingerprint);
    for (const auto& v : inv->vms) {
        std::cout << fmt::format("VM \"{}\"  {}  Vmid {}  powered {}\n", v.name,
                                 v.world_group_id
                                     ? fmt::format("worldGroupID {}", *v.world_group_id)
                                     : "no worldGroupID",
                                 v.vmid ? std::to_string(*v.vmid) : "?", v.power_state);
        std::cout << fmt::format("    config: {}\n", v.config_file);
        for (const auto& d : v.disks)
            std::cout << fmt::format("    {:<9} handleID {:<6} {}{}{}\n", d.label, d.handle_id,
                                     d.backing, capacity_text(d.capacity_kb),
                                     d.lun.empty() ? "" : fmt::format("  (RDM {})", d.lun));
    }
    std::cout << "\nStart a job: vscsi job start --host " << host << " --vm NAME --profile quick\n";
    return exit_code::ok;
}

}  // namespace vscsi
