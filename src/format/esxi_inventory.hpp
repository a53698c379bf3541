#pragma once
// Parsers for `esxcli vm process list` and `vim-cmd vmsvc/getallvms`, and the
// join of both with `vscsiStats -l`. The worldGroupID of -l is neither vim-cmd's
// Vmid nor reliably esxcli's World ID: VMs are joined on the .vmx path (or the
// display name), never on numbers. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/parse_error.hpp"
#include "format/vscsistats_listing.hpp"

namespace vscsi {

struct EsxcliVm {
    std::string display_name;
    std::int64_t world_id = 0;
    std::string config_file;
};
ParseStatus parse_esxcli_vm_process_list(std::string_view text, std::vector<EsxcliVm>& out);

struct VimCmdVm {
    std::int64_t vmid = 0;
    std::string name;
    std::string file;  // "[datastore1] dir/name.vmx"
    std::string guest_os;
};
ParseStatus parse_vim_cmd_getallvms(std::string_view text, std::vector<VimCmdVm>& out);

// One virtual disk from `vim-cmd vmsvc/device.getdevices VMID`.
struct DeviceDisk {
    std::string label;  // "scsi0:1", from the controller's bus number and the disk's unit number
    std::string file;   // backing fileName
    std::string lun;    // RDM: backing deviceName
    std::int64_t capacity_kb = 0;
};
ParseStatus parse_vim_cmd_devices(std::string_view text, std::vector<DeviceDisk>& out);
// Adds backing, LUN and capacity to the disks of `vm` whose labels match.
void attach_backing(std::vector<ListedDisk>& disks, const std::vector<DeviceDisk>& devices);

struct InventoryVm {
    std::string name;
    std::optional<std::int64_t> world_group_id;  // only while powered on (from -l)
    std::optional<std::int64_t> vmid;
    std::string config_file;
    std::string power_state;  // "on" | "off"
    std::vector<ListedDisk> disks;
};

std::vector<InventoryVm> join_inventory(const VscsiStatsListing& listing,
                                        const std::vector<EsxcliVm>& running,
                                        const std::vector<VimCmdVm>& registered);

}  // namespace vscsi
