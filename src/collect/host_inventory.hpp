#pragma once
// Fetching what a host runs: `vscsiStats -l`, `esxcli vm process list` and
// `vim-cmd vmsvc/getallvms` on three channels of one connection, joined.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "format/esxi_inventory.hpp"
#include "host/host_shell.hpp"
#include "util/error.hpp"

namespace vscsi {

struct HostInventory {
    std::string fingerprint;
    VscsiStatsListing listing;
    std::vector<InventoryVm> vms;
};

// Errors: host_failure (connection, command), bad_data (output it cannot read).
boost::asio::awaitable<Result<HostInventory>> fetch_inventory(host::HostShell& link);
boost::json::object inventory_to_json(const HostInventory& inv);

}  // namespace vscsi
