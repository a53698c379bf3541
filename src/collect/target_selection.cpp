#include "collect/target_selection.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "format/text_lines.hpp"

namespace vscsi::collect {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

Result<const ListedVm*> find_vm(const VscsiStatsListing& l, const std::string& spec) {
    std::int64_t id = 0;
    if (text::parse_int(spec, id))
        for (const auto& v : l.vms)
            if (v.world_group_id == id) return &v;
    for (const auto& v : l.vms)
        if (v.display_name == spec) return &v;
    const ListedVm* hit = nullptr;
    int hits = 0;
    for (const auto& v : l.vms)
        if (lower(v.display_name) == lower(spec)) hit = &v, ++hits;
    if (hits == 1) return hit;
    std::string names;
    for (const auto& v : l.vms)
        names += fmt::format("\n  {} (worldGroupID {})", v.display_name, v.world_group_id);
    return Error{ErrorKind::usage,
                 fmt::format("no powered-on VM '{}' on the host{}; running VMs:{}", spec,
                             hits > 1 ? " (several match when ignoring case)" : "",
                             names.empty() ? " none" : names),
                 ""};
}

}  // namespace

Result<Selection> select_targets(const VscsiStatsListing& listing,
                                 const std::vector<std::string>& vm_specs,
                                 const std::vector<std::string>& disk_specs) {
    if (vm_specs.empty())
        return Error{ErrorKind::usage, "no VM named",
                     "name at least one --vm (display name or worldGroupID)"};
    Selection s;
    for (const auto& spec : vm_specs) {
        const auto found = find_vm(listing, spec);
        if (!found) return found.error();
        const ListedVm& vm = **found;
        if (std::any_of(s.targets.begin(), s.targets.end(),
                        [&](auto& t) { return t.world_group_id == vm.world_group_id; }))
            continue;
        Target t{vm.display_name, vm.world_group_id, vm.config_file, {}};
        const bool all = disk_specs.empty() ||
                         std::find(disk_specs.begin(), disk_specs.end(), "all") != disk_specs.end();
        for (const auto& d : vm.disks) {
            bool wanted = all;
            for (const auto& ds : disk_specs) {
                std::int64_t h = 0;
                wanted = wanted || ds == d.label || (text::parse_int(ds, h) && h == d.handle_id);
            }
            if (wanted) t.disks.push_back({d.handle_id, d.label});
        }
        if (t.disks.empty()) {
            std::string have;
            for (const auto& d : vm.disks)
                have += fmt::format(" {} (handleID {})", d.label, d.handle_id);
            return Error{ErrorKind::usage,
                         fmt::format("VM '{}' has no disk matching --disk; it has:{}",
                                     vm.display_name, have.empty() ? " no disks" : have),
                         ""};
        }
        if (t.disks.size() == vm.disks.size()) {
            s.collections.push_back(
                {vm.world_group_id, std::nullopt, {}});  // one collection for the whole VM
        } else {
            for (const auto& d : t.disks)
                s.collections.push_back({vm.world_group_id, d.handle_id, {}});
        }
        s.targets.push_back(std::move(t));
    }
    return s;
}

}  // namespace vscsi::collect
