#pragma once
// The remote commands the collector runs. Only numbers are interpolated: a VM
// name never reaches a remote shell.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vscsi {

// One vscsiStats collection: a whole VM (-w) or one of its disks (-w -i).
struct CollectionTarget {
    std::int64_t world_group_id = 0;
    std::optional<std::int64_t> handle_id;
    std::vector<std::int64_t> wanted_handles;  // disks kept from a whole-VM print; empty = all

    std::string describe() const;
};

std::string start_command(const CollectionTarget& t);  // -s also re-arms the 30-minute auto-stop
std::string print_command(const CollectionTarget& t);  // -p all -c (never -t: tracing is expensive)
std::string stop_command(const CollectionTarget& t);
inline constexpr const char* kListingCommand = "vscsiStats -l";  // the VMs and disks it can collect

}  // namespace vscsi
