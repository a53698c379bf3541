#pragma once
// Where vCenter says VMs run: for `host discover --vcenter`, for `job start
// --vcenter` (the VM's host found by name) and for a job that follows its VM
// across a vMotion (collect::VmLocator).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "collect/job_runner.hpp"
#include "host/ssh_params.hpp"
#include "job/job_request.hpp"
#include "util/error.hpp"
#include "vcenter/vim_session.hpp"
#include "vsphere/vm_inventory.hpp"

namespace vscsi::app {

struct VmPlacement {
    std::string vm, host, cluster, folder, power_state;
    std::vector<vsphere::VirtualDiskInfo> disks;
};

// What job.json records of a vCenter (no password), and back; a link without
// a password reads its password_file.
VcenterLink vcenter_link(const vcenter::VcenterParams& p, const std::string& password_file);
Result<vcenter::VcenterParams> vcenter_params(const VcenterLink& link, const std::string& password);

boost::asio::awaitable<Result<std::vector<VmPlacement>>> find_vms(boost::asio::any_io_executor ex,
                                                                  const vcenter::VcenterParams& vc,
                                                                  const vsphere::VmFilter& filter);
// The same on a loop of its own (for the CLI).
Result<std::vector<VmPlacement>> find_vms_now(const vcenter::VcenterParams& vc,
                                              const vsphere::VmFilter& filter);

// The VM of that name: exact, else the one case-insensitive match. Errors name what exists.
Result<VmPlacement> pick_vm(const std::vector<VmPlacement>& vms, const std::string& name,
                            const std::string& vc);

// Finds a job's VM through vCenter after it left `left_host` and connects to its new
// host with `ssh` (host replaced) through `connect`; waits a little while vCenter
// still names the old host (a vMotion finishing).
collect::VmLocator vm_locator(
    boost::asio::any_io_executor ex, vcenter::VcenterParams vc, host::SshParams ssh,
    std::function<std::shared_ptr<host::HostShell>(const host::SshParams&)> connect);

}  // namespace vscsi::app
