#include "collect/host_inventory.hpp"

#include <fmt/core.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "format/vscsistats_commands.hpp"

namespace vscsi {
using namespace boost::asio::experimental::awaitable_operators;

namespace {

// A command the inventory cannot do without: it ran and exited 0.
Result<const host::CommandOutput*> required(const host::CommandResult& r, const char* what) {
    if (!r)
        return Error{ErrorKind::host_failure, fmt::format("{}: {}", what, r.error().message), ""};
    if (r->exit_status != 0)
        return Error{ErrorKind::host_failure,
                     fmt::format("`{}` failed (exit {}): {}", what, r->exit_status,
                                 r->err.empty() ? r->out : r->err),
                     ""};
    return &*r;
}

bool succeeded(const host::CommandResult& r) {
    return r && r->exit_status == 0;
}

Error unreadable(const ParseError& e) {
    return Error{ErrorKind::bad_data, e.message(),
                 "the host printed something vscsi cannot read: please report it with the output"};
}

}  // namespace

boost::asio::awaitable<Result<HostInventory>> fetch_inventory(host::HostShell& link) {
    if (auto c = co_await link.connect(); !c)
        co_return Error{ErrorKind::host_failure, c.error().message, ""};
    constexpr auto t = std::chrono::seconds(60);
    auto [l, e, v] =
        co_await (link.run(kListingCommand, t) && link.run("esxcli vm process list", t) &&
                  link.run("vim-cmd vmsvc/getallvms", t));
    HostInventory inv;
    inv.fingerprint = link.fingerprint();
    const auto listing = required(l, kListingCommand);
    if (!listing) co_return listing.error();
    if (auto err = parse_vscsistats_listing((*listing)->out, inv.listing); !err)
        co_return unreadable(err.error());
    std::vector<EsxcliVm> running;
    std::vector<VimCmdVm> registered;
    // esxcli/vim-cmd only add names and power states: -l alone is enough to collect.
    if (succeeded(e))
        if (auto err = parse_esxcli_vm_process_list(e->out, running); !err)
            co_return unreadable(err.error());
    if (succeeded(v))
        if (auto err = parse_vim_cmd_getallvms(v->out, registered); !err)
            co_return unreadable(err.error());
    inv.vms = join_inventory(inv.listing, running, registered);
    // Backing files and RDM LUNs: one channel per powered-on VM, all at once.
    // Only the numeric Vmid goes into the command.
    std::vector<host::CommandResult> devices(inv.vms.size(), host::HostError{});
    std::size_t pending = 0;
    boost::asio::steady_timer done(co_await boost::asio::this_coro::executor,
                                   boost::asio::steady_timer::time_point::max());
    for (std::size_t i = 0; i < inv.vms.size(); ++i) {
        if (!inv.vms[i].vmid || inv.vms[i].disks.empty()) continue;
        ++pending;
        boost::asio::co_spawn(
            co_await boost::asio::this_coro::executor,
            [&, i]() -> boost::asio::awaitable<void> {
                devices[i] = co_await link.run(
                    fmt::format("vim-cmd vmsvc/device.getdevices {}", *inv.vms[i].vmid), t);
                if (--pending == 0) done.cancel();
            },
            boost::asio::detached);
    }
    if (pending > 0) co_await done.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    for (std::size_t i = 0; i < inv.vms.size(); ++i) {
        const auto& d = devices[i];
        if (!succeeded(d) || d->out.empty()) continue;  // backing is a nice-to-have
        std::vector<DeviceDisk> disks;
        if (auto err = parse_vim_cmd_devices(d->out, disks); !err)
            co_return unreadable(err.error());
        attach_backing(inv.vms[i].disks, disks);
    }
    co_return inv;
}

boost::json::object inventory_to_json(const HostInventory& inv) {
    boost::json::array vms;
    for (const auto& v : inv.vms) {
        boost::json::array disks;
        for (const auto& d : v.disks)
            disks.push_back({{"handle_id", d.handle_id},
                             {"label", d.label},
                             {"backing", d.backing},
                             {"lun", d.lun},
                             {"capacity_kb", d.capacity_kb}});
        boost::json::object o{{"name", v.name},
                              {"power_state", v.power_state},
                              {"config_file", v.config_file},
                              {"disks", std::move(disks)}};
        o["world_group_id"] = v.world_group_id ? boost::json::value(*v.world_group_id) : nullptr;
        o["vmid"] = v.vmid ? boost::json::value(*v.vmid) : nullptr;
        vms.push_back(std::move(o));
    }
    return {{"fingerprint", inv.fingerprint}, {"vms", std::move(vms)}};
}

}  // namespace vscsi
