// esxcli / vim-cmd outputs and their join with a `vscsiStats -l` listing: the
// input is split in four parts at NUL bytes (listing, esxcli, getallvms, devices).
#include <cstdint>
#include <string_view>
#include <vector>

#include "format/esxi_inventory.hpp"
#include "format/vscsistats_listing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string_view part[4];
    for (auto& p : part) {
        const auto nul = text.find('\0');
        p = text.substr(0, nul);
        text = nul == std::string_view::npos ? std::string_view{} : text.substr(nul + 1);
    }
    vscsi::VscsiStatsListing listing;
    std::vector<vscsi::EsxcliVm> running;
    std::vector<vscsi::VimCmdVm> registered;
    std::vector<vscsi::DeviceDisk> devices;
    (void)vscsi::parse_vscsistats_listing(part[0], listing);
    (void)vscsi::parse_esxcli_vm_process_list(part[1], running);
    (void)vscsi::parse_vim_cmd_getallvms(part[2], registered);
    (void)vscsi::parse_vim_cmd_devices(part[3], devices);
    auto vms = vscsi::join_inventory(listing, running, registered);
    for (auto& vm : vms) vscsi::attach_backing(vm.disks, devices);
    return 0;
}
