#include "format/esxi_inventory.hpp"

#include <fmt/core.h>

#include "format/text_lines.hpp"

namespace vscsi {

ParseStatus parse_esxcli_vm_process_list(std::string_view text, std::vector<EsxcliVm>& out) {
    out.clear();
    text::LineReader lines(text, 1);
    std::string_view raw;
    EsxcliVm* vm = nullptr;
    while (lines.next(raw)) {
        if (raw.empty()) {
            vm = nullptr;
            continue;
        }
        // The name line is flush left; the fields are indented "Key: value".
        // LineReader trims leading blanks: look at the byte just before the line.
        const bool indented =
            raw.data() > text.data() && (raw.data()[-1] == ' ' || raw.data()[-1] == '\t');
        const auto line = text::trim(raw);
        if (!indented) {
            vm = &out.emplace_back();
            vm->display_name = std::string(line);
            continue;
        }
        if (!vm)
            return ParseError{"esxcli vm process list", lines.line_no(), "field",
                              fmt::format("field before a VM name: {}", text::excerpt(line))};
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            return ParseError{"esxcli vm process list", lines.line_no(), "field",
                              fmt::format("expected 'Key: value', found {}", text::excerpt(line))};
        const auto key = line.substr(0, colon);
        const auto value = text::trim(line.substr(colon + 1));
        if (key == "World ID" && !text::parse_int(value, vm->world_id))
            return ParseError{"esxcli vm process list", lines.line_no(), "World ID",
                              fmt::format("not an integer: {}", text::excerpt(value))};
        if (key == "Display Name") vm->display_name = std::string(value);
        if (key == "Config File") vm->config_file = std::string(value);
    }
    return {};
}

ParseStatus parse_vim_cmd_getallvms(std::string_view text, std::vector<VimCmdVm>& out) {
    out.clear();
    text::LineReader lines(text, 1);
    std::string_view line;
    bool header = false;
    while (lines.next(line)) {
        if (line.empty()) continue;
        if (!header) {
            if (!line.starts_with("Vmid"))
                return ParseError{"vim-cmd vmsvc/getallvms", lines.line_no(), "header",
                                  fmt::format("expected the 'Vmid Name File ...' header, found {}",
                                              text::excerpt(line))};
            header = true;
            continue;
        }
        // "<vmid> <name with spaces> [datastore] path.vmx <guest> <version> <annotation>"
        const auto sp = line.find(' ');
        VimCmdVm vm;
        if (sp == std::string_view::npos || !text::parse_int(line.substr(0, sp), vm.vmid))
            continue;  // annotation continuation lines (multi-line notes) carry no Vmid
        auto rest = text::trim(line.substr(sp));
        const auto bracket = rest.find(" [");
        const auto vmx_end = rest.find(".vmx", bracket == std::string_view::npos ? 0 : bracket);
        if (bracket == std::string_view::npos || vmx_end == std::string_view::npos)
            return ParseError{"vim-cmd vmsvc/getallvms", lines.line_no(), "File",
                              fmt::format("no '[datastore] path.vmx' in {}", text::excerpt(line))};
        vm.name = std::string(text::trim(rest.substr(0, bracket)));
        vm.file = std::string(rest.substr(bracket + 1, vmx_end + 4 - bracket - 1));
        auto after = text::trim(rest.substr(vmx_end + 4));
        vm.guest_os = std::string(after.substr(0, after.find(' ')));
        out.push_back(std::move(vm));
    }
    return {};
}

namespace {

std::string_view value_of(std::string_view line) {
    auto v = text::trim(line.substr(line.find('=') + 1));
    if (v.ends_with(",")) v.remove_suffix(1);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
        v = v.substr(1, v.size() - 2);
    return v;
}

std::string controller_prefix(std::string_view type) {
    if (type.find("SCSI") != std::string_view::npos ||
        type.find("LsiLogic") != std::string_view::npos ||
        type.find("BusLogic") != std::string_view::npos)
        return "scsi";
    if (type.find("NVME") != std::string_view::npos) return "nvme";
    if (type.find("AHCI") != std::string_view::npos || type.find("Sata") != std::string_view::npos)
        return "sata";
    if (type.find("IDE") != std::string_view::npos) return "ide";
    return {};
}

}  // namespace

ParseStatus parse_vim_cmd_devices(std::string_view text, std::vector<DeviceDisk>& out) {
    out.clear();
    struct Device {
        std::string type;
        int depth = 0;
        std::int64_t key = -1, controller_key = -1, unit = -1, bus = -1, capacity_kb = 0;
        std::string file, lun;
    };
    std::vector<Device> devices;
    Device* cur = nullptr;
    int depth = 0;
    text::LineReader lines(text, 1);
    std::string_view line;
    bool any = false;
    while (lines.next(line)) {
        if (line.empty()) continue;
        any = true;
        // "(vim.vm.device.ParaVirtualSCSIController) {" opens a device (also inside "device = ...
        // [")
        const auto open_type = line.find("(vim.vm.device.");
        const bool opens = line.ends_with("{") || line.ends_with("[");
        if (open_type != std::string_view::npos && line.ends_with("{") &&
            line.find('=') == std::string_view::npos) {
            const auto close = line.find(')', open_type);
            cur = &devices.emplace_back();
            cur->type = std::string(line.substr(open_type + 15, close - open_type - 15));
            cur->depth = depth;
        } else if (cur && line.find(" = ") != std::string_view::npos) {
            const auto key = text::trim(line.substr(0, line.find('=')));
            const bool direct = depth == cur->depth + 1;
            std::int64_t n = 0;
            if (direct && key == "key" && text::parse_int(value_of(line), n))
                cur->key = n;
            else if (direct && key == "controllerKey" && text::parse_int(value_of(line), n))
                cur->controller_key = n;
            else if (direct && key == "unitNumber" && text::parse_int(value_of(line), n))
                cur->unit = n;
            else if (direct && key == "busNumber" && text::parse_int(value_of(line), n))
                cur->bus = n;
            else if (direct && key == "capacityInKB" && text::parse_int(value_of(line), n))
                cur->capacity_kb = n;
            else if (key == "fileName" && cur->file.empty())
                cur->file = std::string(value_of(line));
            else if (key == "deviceName" && cur->lun.empty() &&
                     cur->type.find("RawDisk") == std::string::npos)
                cur->lun = std::string(value_of(line));
        }
        if (opens) ++depth;
        if (line.starts_with("}") || line.starts_with("]")) {
            --depth;
            if (cur && depth == cur->depth) cur = nullptr;
        }
    }
    if (!any) return ParseError{"vim-cmd vmsvc/device.getdevices", 0, "", "empty output"};
    if (devices.empty())
        return ParseError{"vim-cmd vmsvc/device.getdevices", 1, "device",
                          "no '(vim.vm.device.*)' objects found"};
    for (const auto& d : devices) {
        if (d.type != "VirtualDisk") continue;
        DeviceDisk disk;
        for (const auto& c : devices) {
            if (c.key != d.controller_key || c.bus < 0) continue;
            const auto prefix = controller_prefix(c.type);
            if (!prefix.empty() && d.unit >= 0)
                disk.label = fmt::format("{}{}:{}", prefix, c.bus, d.unit);
        }
        disk.file = d.file;
        disk.lun = d.lun;
        disk.capacity_kb = d.capacity_kb;
        out.push_back(std::move(disk));
    }
    return {};
}

void attach_backing(std::vector<ListedDisk>& disks, const std::vector<DeviceDisk>& devices) {
    for (auto& d : disks)
        for (const auto& dev : devices)
            if (!dev.label.empty() && dev.label == d.label) {
                d.backing = dev.file;
                d.lun = dev.lun;
                d.capacity_kb = dev.capacity_kb;
            }
}

namespace {
// "/vmfs/volumes/<uuid-or-name>/dir/x.vmx" matches "[name] dir/x.vmx" by its relative part.
bool same_vmx(const std::string& path, const std::string& ds_file) {
    const auto close = ds_file.find("] ");
    if (close == std::string::npos) return false;
    const auto rel = ds_file.substr(close + 2);
    return path.size() > rel.size() && path.ends_with(rel) &&
           path[path.size() - rel.size() - 1] == '/';
}
}  // namespace

std::vector<InventoryVm> join_inventory(const VscsiStatsListing& listing,
                                        const std::vector<EsxcliVm>& running,
                                        const std::vector<VimCmdVm>& registered) {
    std::vector<InventoryVm> out;
    for (const auto& l : listing.vms) {
        InventoryVm vm;
        vm.name = l.display_name;
        vm.world_group_id = l.world_group_id;
        vm.config_file = l.config_file;
        vm.power_state = "on";
        vm.disks = l.disks;
        for (const auto& r : registered)
            if (same_vmx(l.config_file, r.file) || (r.name == l.display_name && !vm.vmid))
                vm.vmid = r.vmid;
        out.push_back(std::move(vm));
    }
    for (const auto& r : registered) {
        bool seen = false;
        for (const auto& v : out) seen = seen || (v.vmid && *v.vmid == r.vmid);
        if (seen) continue;
        bool on = false;
        for (const auto& e : running)
            on = on || same_vmx(e.config_file, r.file) || e.display_name == r.name;
        out.push_back({r.name, std::nullopt, r.vmid, r.file, on ? "on" : "off", {}});
    }
    return out;
}

}  // namespace vscsi
