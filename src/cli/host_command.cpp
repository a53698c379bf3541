// vscsi host discover HOST: VMs and their virtual disks, no daemon needed.
#include <fmt/core.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <iostream>

#include "app/host_connector.hpp"
#include "app/vcenter_placement.hpp"
#include "cli/command_context.hpp"
#include "cli/exit_codes.hpp"
#include "cli/ssh_cli_options.hpp"
#include "cli/subcommand_options.hpp"
#include "cli/vcenter_cli_options.hpp"
#include "collect/host_inventory.hpp"
#include "host/ssh_config.hpp"
#include "ssh/ssh_config_files.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Disk sizes as vSphere shows them: binary units, whole when they are.
std::string capacity_text(std::int64_t kb) {
    if (kb <= 0) return "";  // vim-cmd did not say
    const double gib = static_cast<double>(kb) / (1024.0 * 1024.0);
    if (gib >= 1024) return fmt::format("  {:.4g} TiB", gib / 1024);
    if (gib >= 1) return fmt::format("  {:.4g} GiB", gib);
    return fmt::format("  {:.4g} MiB", static_cast<double>(kb) / 1024.0);
}

// `host SUBCOMMAND HOST [ssh options]`: the HOST, or "" when --help was shown.
std::string host_and_ssh_options(const CommandContext& ctx, const std::string& what,
                                 const std::string& usage, SshCliOptions& ssh) {
    CommandContext sub = ctx;
    sub.args.erase(sub.args.begin());
    std::string host;
    po::options_description desc("host " + what + " options");
    ssh.add_to(desc);
    desc.add_options()("host", po::value(&host), "ESXi host");
    po::positional_options_description pos;
    pos.add("host", 1);
    po::variables_map vm;
    if (!parse_subcommand(sub, usage, desc, pos, vm)) return {};
    if (host.empty()) throw UsageError("host " + what + " needs a HOST");
    return host;
}

int run_host_check(const CommandContext& ctx) {
    SshCliOptions ssh;
    const auto host = host_and_ssh_options(
        ctx, "check",
        "Usage: vscsi host check HOST [options]\n\nPrints how vscsi would reach HOST with these "
        "options and ~/.ssh/config (like ssh -G), each setting with the file:line it comes from; "
        "an option vscsi cannot honour is refused here as it would be when connecting. Connects "
        "to nothing.",
        ssh);
    if (host.empty()) return exit_code::ok;
    auto p = ssh.to_params(host);
    const auto config = ssh::ssh_config_path(p);
    const auto settings = ssh::resolve_ssh_config(p).value();  // refused: exit 2, file:line
    const auto name = settings.value("hostname");
    std::string target = name.empty() ? host : name;
    for (auto at = target.find("%h"); at != std::string::npos; at = target.find("%h", at))
        target.replace(at, 2, host);
    const auto port = p.port ? std::to_string(p.port)
                             : (settings.value("port").empty() ? "22" : settings.value("port"));
    const auto user = !p.user.empty() ? p.user : settings.value("user");
    std::vector<std::string> keys = p.key_files;
    for (const auto& k : settings.identity_files)
        if (!k.args.empty()) keys.push_back(k.args.front());
    if (ctx.json) {
        boost::json::array k;
        for (const auto& f : keys) k.emplace_back(f);
        std::cout << compact_json(boost::json::object{
                         {"host", host},
                         {"hostname", target},
                         {"port", port},
                         {"user", user},
                         {"identity_files", std::move(k)},
                         {"agent", p.use_agent},
                         {"known_hosts", p.known_hosts},
                         {"accept_new_host_key", p.accept_new_host_key},
                         {"connect_timeout_seconds", p.connect_timeout.count() / 1000.0},
                         {"ssh_config", config}})
                  << "\n";
        return exit_code::ok;
    }
    // As the connection decides: --jump, else the first of ProxyJump and ProxyCommand.
    const auto* jump_cfg = settings.find("proxyjump");
    const auto* proxy_cfg = settings.find("proxycommand");
    std::string proxy;
    if (!p.jump.empty())
        proxy = p.jump == "none" ? "" : "ProxyJump " + p.jump;
    else if (jump_cfg && jump_cfg->raw != "none")
        proxy = "ProxyJump " + jump_cfg->raw;
    else if (proxy_cfg && proxy_cfg->raw != "none")
        proxy = "ProxyCommand " + proxy_cfg->raw;
    std::string key_list;
    for (const auto& f : keys) key_list += (key_list.empty() ? "" : ", ") + f;
    std::cout << fmt::format(
        "host {}\nhostname {}\nport {}\nuser {}\nidentity files {}\nagent {}\nknown hosts "
        "{}\nnew host keys {}\nconnect timeout {} s\nproxy {}\n",
        host, target, port, user.empty() ? "(yours)" : user, key_list.empty() ? "(none)" : key_list,
        p.use_agent ? "yes" : "no", p.known_hosts.empty() ? "~/.ssh/known_hosts" : p.known_hosts,
        p.accept_new_host_key ? "accepted once (accept-new)" : "refused",
        p.connect_timeout.count() / 1000.0, proxy.empty() ? "none (direct TCP)" : proxy);
    if (config.empty())
        std::cout << "\nssh config: none\n";
    else if (settings.options.empty() && settings.identity_files.empty())
        std::cout << fmt::format("\nssh config {}: nothing applies to {}\n", config, host);
    else
        std::cout << fmt::format("\nFrom {} (and what it includes):\n{}", config,
                                 host::describe_ssh_config(settings));
    return exit_code::ok;
}

// host discover --vcenter VC: where vCenter says each VM runs, and its disks; no SSH.
int run_host_discover_vcenter(const CommandContext& ctx) {
    CommandContext sub = ctx;
    sub.args.erase(sub.args.begin());
    VcenterCliOptions vc;
    std::string server;
    vsphere::VmFilter filter;
    po::options_description desc("host discover --vcenter options");
    vc.add_to(desc);
    desc.add_options()("vcenter", po::value(&server), "the vCenter to ask")(
        "vm", po::value(&filter.vm), "only VMs whose name matches this shell pattern")(
        "cluster", po::value(&filter.cluster),
        "only VMs on hosts of clusters matching this pattern")(
        "folder", po::value(&filter.folder), "only VMs in folders matching this pattern");
    po::variables_map vm;
    if (!parse_subcommand(
            sub,
            "Usage: vscsi host discover --vcenter VC [--vm PATTERN] [options]\n\nLists the VMs "
            "vCenter knows, the host each runs on now, and their virtual disks (scsiX:Y, file, "
            "capacity), without SSH: which host to give `vscsi job start --host`, or use "
            "`job start --vcenter` to have it found (and followed).",
            desc, {}, vm))
        return exit_code::ok;
    auto params = vc.to_params(server);
    const auto vms = app::find_vms_now(params, filter).value();
    if (ctx.json) {
        json::array out;
        for (const auto& v : vms) {
            json::array disks;
            for (const auto& d : v.disks)
                disks.push_back({{"disk", d.instance},
                                 {"label", d.label},
                                 {"file", d.file},
                                 {"capacity_kb", d.capacity_kb}});
            out.push_back({{"name", v.vm},
                           {"host", v.host},
                           {"cluster", v.cluster},
                           {"folder", v.folder},
                           {"power_state", v.power_state},
                           {"disks", std::move(disks)}});
        }
        std::cout << compact_json(
                         json::object{{"vcenter", params.target.host}, {"vms", std::move(out)}})
                  << "\n";
        return exit_code::ok;
    }
    std::cout << fmt::format("vCenter {}: {} VM(s)\n", params.target.host, vms.size());
    for (const auto& v : vms) {
        std::cout << fmt::format("\nVM {}  (host {}{}, {})\n", v.vm, v.host,
                                 v.cluster.empty() ? "" : ", cluster " + v.cluster, v.power_state);
        for (const auto& d : v.disks)
            std::cout << fmt::format("  {:<8}  {}{}\n", d.instance, d.file,
                                     capacity_text(d.capacity_kb));
    }
    if (vms.empty()) std::cout << "no VM matches (check --vm, --cluster and --folder)\n";
    return exit_code::ok;
}

}  // namespace

int run_host(const CommandContext& ctx) {
    if (group_help_asked(ctx, R"(Usage: vscsi host COMMAND [options]

  discover  the host's VMs and virtual disks (vscsiStats -l, esxcli, vim-cmd)
            vscsi host discover HOST --help for its options
  check     how vscsi would connect to HOST (like ssh -G): ~/.ssh/config applied,
            or the option it refuses with its file:line; connects to nothing
)"))
        return exit_code::ok;
    if (!ctx.args.empty() && ctx.args[0] == "check") return run_host_check(ctx);
    if (!ctx.args.empty() && ctx.args[0] == "discover" &&
        std::any_of(ctx.args.begin(), ctx.args.end(), [](const std::string& a) {
            return a == "--vcenter" || a.starts_with("--vcenter=");
        }))
        return run_host_discover_vcenter(ctx);
    if (ctx.args.empty() || ctx.args[0] != "discover")
        throw UsageError(
            "usage: vscsi host discover HOST [--user U] [--port P] [--key FILE] [--json] | vscsi "
            "host check HOST");
    SshCliOptions ssh;
    const auto host = host_and_ssh_options(
        ctx, "discover",
        "Usage: vscsi host discover HOST [options]\n\nLists the VMs (name, worldGroupID, power "
        "state) and their virtual disks (handleID, scsiX:Y, capacity)",
        ssh);
    if (host.empty()) return exit_code::ok;

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
