#pragma once
// Parser for `vscsiStats -l`: the VMs with their worldGroupIDs and virtual disks.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/parse_error.hpp"

namespace vscsi {

struct ListedDisk {
    std::int64_t handle_id = 0;
    std::string label;  // "scsi0:0"
    // Filled in from vim-cmd when known (vscsiStats -l does not say):
    std::string backing;  // "[datastore1] vm/vm.vmdk"
    std::string lun;      // RDM device, e.g. "vml.0200..."
    std::int64_t capacity_kb = 0;
};

struct ListedVm {
    std::int64_t world_group_id = 0;
    std::string display_name;  // may hold commas and spaces
    std::string config_file;   // .vmx path: the key to join with esxcli / vim-cmd
    std::vector<ListedDisk> disks;
};

struct VscsiStatsListing {
    std::vector<ListedVm> vms;
};

ParseStatus parse_vscsistats_listing(std::string_view text, VscsiStatsListing& out,
                                     std::string source = "vscsiStats -l");

}  // namespace vscsi
