#pragma once
// A vCenter's (or an ESXi host's) VMs, their virtual disks under the names
// vSphere's performance counters use ("scsi0:0"), and the host, cluster and
// folder each VM is in; read from RetrievePropertiesEx pages. Pure.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vsphere/vim_calls.hpp"

namespace vscsi::vsphere {

struct VirtualDiskInfo {
    std::string instance;  // "scsi0:0", "sata0:1", "nvme0:0", "ide0:0": the counters' instance
    std::string label;     // "Hard disk 1"
    std::string file;      // "[datastore1] VM/VM.vmdk"
    std::int64_t capacity_kb = 0;
};

struct VmInfo {
    MoRef ref;
    std::string name, power_state;
    MoRef host, folder;
    std::vector<VirtualDiskInfo> disks;
};

struct Inventory {
    std::vector<VmInfo> vms;
    std::map<std::string, std::string> names;  // moref value -> name (hosts, clusters, folders)
    std::map<std::string, MoRef>
        host_parents;  // host moref value -> its cluster (or standalone compute resource)

    std::string name_of(const MoRef& ref) const;
    // The cluster a VM's host is in; "" for a standalone host.
    std::string cluster_of(const VmInfo& vm) const;
};

// What to ask a container view for, and of which types.
std::vector<std::string> inventory_view_types();
std::vector<PropertySpec> inventory_property_specs();

// Adds one page's objects; errors name the object and the property.
ParseStatus add_inventory_page(Inventory& inv, const ObjectPage& page, const std::string& source);

}  // namespace vscsi::vsphere

namespace vscsi::vsphere {

// Which VMs a survey covers: shell patterns (fnmatch, case-insensitive) on the
// VM's name, its host's cluster and its folder; an empty pattern matches all.
struct VmFilter {
    std::string vm, cluster, folder;
};
bool matches(const Inventory& inv, const VmInfo& vm, const VmFilter& filter);

}  // namespace vscsi::vsphere
