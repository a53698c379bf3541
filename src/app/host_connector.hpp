#pragma once
// The one place that turns "how to reach a host" into a host::HostShell:
// `sim:NAME` is the in-process simulated host (state in DATA_DIR/sim/NAME),
// anything else is reached over SSH.

#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <memory>

#include "host/host_shell.hpp"
#include "host/ssh_params.hpp"

namespace vscsi::app {

std::unique_ptr<host::HostShell> connect_host(boost::asio::any_io_executor ex,
                                              const host::SshParams& params,
                                              const std::filesystem::path& data_dir);

// Jobs on one host share its connection: the key says who logs in where.
std::string host_link_key(const host::SshParams& params);

}  // namespace vscsi::app
