#include "format/esxi_inventory.hpp"

#include <fmt/core.h>

#include "format/text_lines.hpp"

namespace vscsi {

std::optional<ParseError> parse_esxcli_vm_process_list(std::string_view text, std::vector<EsxcliVm>& out) {
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
        const bool indented = raw.data() > text.data() && (raw.data()[-1] == ' ' || raw.data()[-1] == '\t');
        const auto line = text::trim(raw);
        if (!indented) {
            vm = &out.emplace_back();
            vm->display_name = std::string(line);
            continue;
        }
        if (!vm)
            return ParseError{"esxcli vm process list", lines.line_no(), "field", fmt::format("field before a VM name: {}", text::excerpt(line))};
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            return ParseError{"esxcli vm process list", lines.line_no(), "field", fmt::format("expected 'Key: value', found {}", text::excerpt(line))};
        const auto key = line.substr(0, colon);
        const auto value = text::trim(line.substr(colon + 1));
        if (key == "World ID" && !text::parse_int(value, vm->world_id))
            return ParseError{"esxcli vm process list", lines.line_no(), "World ID", fmt::format("not an integer: {}", text::excerpt(value))};
        if (key == "Display Name") vm->display_name = std::string(value);
        if (key == "Config File") vm->config_file = std::string(value);
    }
    return std::nullopt;
}

std::optional<ParseError> parse_vim_cmd_getallvms(std::string_view text, std::vector<VimCmdVm>& out) {
    out.clear();
    text::LineReader lines(text, 1);
    std::string_view line;
    bool header = false;
    while (lines.next(line)) {
        if (line.empty()) continue;
        if (!header) {
            if (!line.starts_with("Vmid"))
                return ParseError{"vim-cmd vmsvc/getallvms", lines.line_no(), "header", fmt::format("expected the 'Vmid Name File ...' header, found {}", text::excerpt(line))};
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
            return ParseError{"vim-cmd vmsvc/getallvms", lines.line_no(), "File", fmt::format("no '[datastore] path.vmx' in {}", text::excerpt(line))};
        vm.name = std::string(text::trim(rest.substr(0, bracket)));
        vm.file = std::string(rest.substr(bracket + 1, vmx_end + 4 - bracket - 1));
        auto after = text::trim(rest.substr(vmx_end + 4));
        vm.guest_os = std::string(after.substr(0, after.find(' ')));
        out.push_back(std::move(vm));
    }
    return std::nullopt;
}

namespace {
// "/vmfs/volumes/<uuid-or-name>/dir/x.vmx" matches "[name] dir/x.vmx" by its relative part.
bool same_vmx(const std::string& path, const std::string& ds_file) {
    const auto close = ds_file.find("] ");
    if (close == std::string::npos) return false;
    const auto rel = ds_file.substr(close + 2);
    return path.size() > rel.size() && path.ends_with(rel) && path[path.size() - rel.size() - 1] == '/';
}
}  // namespace

std::vector<InventoryVm> join_inventory(const VscsiStatsListing& listing, const std::vector<EsxcliVm>& running,
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
            if (same_vmx(l.config_file, r.file) || (r.name == l.display_name && !vm.vmid)) vm.vmid = r.vmid;
        out.push_back(std::move(vm));
    }
    for (const auto& r : registered) {
        bool seen = false;
        for (const auto& v : out) seen = seen || (v.vmid && *v.vmid == r.vmid);
        if (seen) continue;
        bool on = false;
        for (const auto& e : running) on = on || same_vmx(e.config_file, r.file) || e.display_name == r.name;
        out.push_back({r.name, std::nullopt, r.vmid, r.file, on ? "on" : "off", {}});
    }
    return out;
}

}  // namespace vscsi
