#include "vsphere/vm_inventory.hpp"

namespace vscsi::vsphere {

namespace {

// The bus a controller type puts in the counters' instance names.
std::string_view bus_of(std::string_view controller_type) {
    if (controller_type == "VirtualAHCIController") return "sata";
    if (controller_type == "VirtualNVMEController") return "nvme";
    if (controller_type == "VirtualIDEController") return "ide";
    if (controller_type.ends_with("SCSIController") ||
        controller_type == "VirtualLsiLogicController" ||
        controller_type == "VirtualLsiLogicSASController" ||
        controller_type == "VirtualBusLogicController")
        return "scsi";
    return {};
}

ParseStatus read_disks(VmInfo& vm, const XmlElement& devices, const std::string& source) {
    struct Controller {
        std::string_view bus;
        std::int64_t number = 0;
    };
    std::map<std::int64_t, Controller> controllers;
    for (const auto& d : devices.children) {
        const auto bus = bus_of(d.xsi_type());
        if (bus.empty()) continue;
        std::int64_t key = 0, number = 0;
        if (!read_integer(d.child_text("key"), key) ||
            !read_integer(d.child_text("busNumber"), number))
            return ParseError{source, d.line, "config.hardware.device",
                              "VM " + vm.name + ": a controller without key or busNumber"};
        controllers[key] = {bus, number};
    }
    for (const auto& d : devices.children) {
        if (d.xsi_type() != "VirtualDisk") continue;
        std::int64_t controller = 0, unit = 0;
        if (!read_integer(d.child_text("controllerKey"), controller) ||
            !read_integer(d.child_text("unitNumber"), unit))
            return ParseError{source, d.line, "config.hardware.device",
                              "VM " + vm.name + ": a disk without controllerKey or unitNumber"};
        const auto c = controllers.find(controller);
        if (c == controllers.end())
            continue;  // a controller type vSphere keeps no disk counters for
        VirtualDiskInfo disk;
        disk.instance = std::string(c->second.bus) + std::to_string(c->second.number) + ":" +
                        std::to_string(unit);
        if (const auto* info = d.child("deviceInfo")) disk.label = info->child_text("label");
        if (const auto* backing = d.child("backing")) disk.file = backing->child_text("fileName");
        read_integer(d.child_text("capacityInKB"), disk.capacity_kb);
        vm.disks.push_back(std::move(disk));
    }
    return {};
}

}  // namespace

std::string Inventory::name_of(const MoRef& ref) const {
    const auto it = names.find(ref.value);
    return it == names.end() ? ref.value : it->second;
}

std::string Inventory::cluster_of(const VmInfo& vm) const {
    const auto it = host_parents.find(vm.host.value);
    if (it == host_parents.end() || it->second.type != "ClusterComputeResource") return {};
    return name_of(it->second);
}

std::vector<std::string> inventory_view_types() {
    return {"VirtualMachine", "HostSystem", "ClusterComputeResource", "Folder"};
}

std::vector<PropertySpec> inventory_property_specs() {
    return {{"VirtualMachine",
             {"name", "parent", "runtime.host", "runtime.powerState", "config.hardware.device"}},
            {"HostSystem", {"name", "parent"}},
            {"ClusterComputeResource", {"name"}},
            {"Folder", {"name"}}};
}

ParseStatus add_inventory_page(Inventory& inv, const ObjectPage& page, const std::string& source) {
    for (const auto& oc : page.objects) {
        const auto* name = oc.value("name");
        if (oc.obj.type != "VirtualMachine") {
            if (name) inv.names[oc.obj.value] = name->text;
            if (const auto* parent = oc.value("parent"); parent && oc.obj.type == "HostSystem")
                inv.host_parents[oc.obj.value] = moref_of(*parent);
            continue;
        }
        VmInfo vm;
        vm.ref = oc.obj;
        vm.name = name ? name->text : oc.obj.value;
        if (const auto* host = oc.value("runtime.host")) vm.host = moref_of(*host);
        if (const auto* folder = oc.value("parent")) vm.folder = moref_of(*folder);
        if (const auto* power = oc.value("runtime.powerState")) vm.power_state = power->text;
        // A template or an inaccessible VM has no config: listed, with no disks.
        if (const auto* devices = oc.value("config.hardware.device"))
            if (auto read = read_disks(vm, *devices, source); !read) return read.error();
        inv.vms.push_back(std::move(vm));
    }
    return {};
}

}  // namespace vscsi::vsphere

#include <fnmatch.h>

namespace vscsi::vsphere {

bool matches(const Inventory& inv, const VmInfo& vm, const VmFilter& filter) {
    auto like = [](const std::string& pattern, const std::string& text) {
        return pattern.empty() || ::fnmatch(pattern.c_str(), text.c_str(), FNM_CASEFOLD) == 0;
    };
    return like(filter.vm, vm.name) && like(filter.cluster, inv.cluster_of(vm)) &&
           like(filter.folder, vm.folder.empty() ? std::string() : inv.name_of(vm.folder));
}

}  // namespace vscsi::vsphere
