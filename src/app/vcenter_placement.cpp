#include "app/vcenter_placement.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>

#include "app/run_to_end.hpp"

namespace vscsi::app {

namespace asio = boost::asio;

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

VcenterLink vcenter_link(const vcenter::VcenterParams& p, const std::string& password_file) {
    VcenterLink l;
    l.server = p.target.host;
    l.port = static_cast<int>(p.target.port);
    l.path = p.target.path;
    l.user = p.user;
    l.password_file = password_file;
    l.thumbprint = p.trust.mode == vcenter::TlsTrust::Mode::thumbprint ? p.trust.thumbprint : "";
    l.ca_file = p.trust.ca_file;
    l.insecure = p.trust.mode == vcenter::TlsTrust::Mode::insecure;
    return l;
}

Result<vcenter::VcenterParams> vcenter_params(const VcenterLink& link,
                                              const std::string& password) {
    vcenter::VcenterParams p;
    p.target.host = link.server;
    p.target.port = static_cast<unsigned>(link.port);
    p.target.path = link.path;
    p.user = link.user;
    if (link.insecure)
        p.trust.mode = vcenter::TlsTrust::Mode::insecure;
    else if (!link.thumbprint.empty())
        p.trust = {vcenter::TlsTrust::Mode::thumbprint, link.thumbprint, ""};
    else
        p.trust.ca_file = link.ca_file;
    p.password = password;
    if (p.password.empty() && !link.password_file.empty()) {
        auto line = host::read_password_line(link.password_file);
        if (!line) return line.error();
        p.password = std::move(*line);
    }
    if (p.password.empty())
        return Error{ErrorKind::usage, "no password for vCenter " + link.server,
                     "give --vc-password-file when starting the job, so that it can be resumed"};
    return p;
}

asio::awaitable<Result<std::vector<VmPlacement>>> find_vms(asio::any_io_executor ex,
                                                           const vcenter::VcenterParams& vc,
                                                           const vsphere::VmFilter& filter) {
    vcenter::VimSession session(ex, vc);
    if (auto c = co_await session.connect(); !c) co_return c.error();
    auto inv = co_await session.inventory();
    co_await session.logout();
    if (!inv) co_return inv.error();
    std::vector<VmPlacement> out;
    for (const auto& vm : inv->vms) {
        if (!vsphere::matches(*inv, vm, filter)) continue;
        out.push_back({vm.name, inv->name_of(vm.host), inv->cluster_of(vm),
                       vm.folder.empty() ? "" : inv->name_of(vm.folder), vm.power_state, vm.disks});
    }
    co_return out;
}

Result<std::vector<VmPlacement>> find_vms_now(const vcenter::VcenterParams& vc,
                                              const vsphere::VmFilter& filter) {
    return run_to_end<Result<std::vector<VmPlacement>>>(
        [&](asio::any_io_executor ex) { return find_vms(ex, vc, filter); });
}

Result<VmPlacement> pick_vm(const std::vector<VmPlacement>& vms, const std::string& name,
                            const std::string& vc) {
    for (const auto& v : vms)
        if (v.vm == name) return v;
    std::vector<const VmPlacement*> like;
    for (const auto& v : vms)
        if (lower(v.vm) == lower(name)) like.push_back(&v);
    if (like.size() == 1) return *like.front();
    std::string names;
    for (std::size_t i = 0; i < vms.size() && i < 10; ++i) names += (i ? ", " : "") + vms[i].vm;
    if (vms.size() > 10) names += fmt::format(", ... ({} VMs)", vms.size());
    if (like.size() > 1)
        return Error{ErrorKind::usage,
                     fmt::format("vCenter {}: {} VMs are named like '{}'", vc, like.size(), name),
                     "give the exact name"};
    return Error{
        ErrorKind::not_found, fmt::format("vCenter {} has no VM named '{}'", vc, name),
        names.empty() ? "check the vCenter and the user's permissions" : "it has: " + names};
}

collect::VmLocator vm_locator(
    asio::any_io_executor ex, vcenter::VcenterParams vc, host::SshParams ssh,
    std::function<std::shared_ptr<host::HostShell>(const host::SshParams&)> connect) {
    return [ex, vc = std::move(vc), ssh = std::move(ssh), connect = std::move(connect)](
               const std::string& vm,
               const std::string& left_host) -> asio::awaitable<Result<collect::VmMoved>> {
        // A vMotion ends on the source before vCenter names the destination: ask a few times.
        constexpr int kAsks = 6;
        constexpr auto kPause = std::chrono::seconds(5);
        for (int ask = 1;; ++ask) {
            const vsphere::VmFilter every;  // named: GCC 12 and braced temporaries in coroutines
            auto all = co_await find_vms(ex, vc, every);
            if (!all) co_return all.error();
            auto found = pick_vm(*all, vm, vc.target.host);
            if (!found) co_return found.error();
            if (found->power_state == "poweredOff" || found->power_state == "suspended")
                co_return Error{ErrorKind::failure,
                                fmt::format("vCenter {} says VM {} is {}: nothing to follow",
                                            vc.target.host, vm, found->power_state),
                                ""};
            if (found->host != left_host) {
                auto to = ssh;
                to.host = found->host;
                co_return collect::VmMoved{found->host, connect(to)};
            }
            if (ask == kAsks)
                co_return Error{
                    ErrorKind::failure,
                    fmt::format(
                        "vCenter {} still places VM {} on {}, where vscsiStats no longer lists it",
                        vc.target.host, vm, left_host),
                    ""};
            asio::steady_timer pause(ex, kPause);
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        }
    };
}

}  // namespace vscsi::app
