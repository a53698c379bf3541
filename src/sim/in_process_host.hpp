#pragma once
// The simulated ESXi host run in-process as a host::HostShell (`--host
// sim:NAME`): the demo needs no SSH server. Its injected faults behave as they
// do behind sshd: `hang` delays the answer (past the timeout the command does
// not complete), `huge` output is cut at the same limit an SSH command has.

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <filesystem>
#include <string_view>

#include "host/host_shell.hpp"

namespace vscsi::sim {

class InProcessHost final : public host::HostShell {
  public:
    // Installs the demo host in `state_dir` unless one is there already.
    InProcessHost(boost::asio::any_io_executor ex, std::filesystem::path state_dir,
                  std::size_t max_output_bytes = 64u << 20);

    boost::asio::awaitable<host::ConnectResult> connect() override;
    boost::asio::awaitable<host::CommandResult> run(std::string command,
                                                    std::chrono::milliseconds timeout) override;
    std::string fingerprint() const override { return "SHA256:simulated-host"; }
    void close() override {}

  private:
    boost::asio::any_io_executor ex_;
    std::filesystem::path state_dir_;
    std::size_t max_output_bytes_;
};

// `sim:NAME` names a simulated host whose state lives in DATA_DIR/sim/NAME.
bool is_simulated_host(std::string_view host);
std::filesystem::path simulated_state_dir(const std::filesystem::path& data_dir,
                                          std::string_view host);

}  // namespace vscsi::sim
