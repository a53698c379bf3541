#pragma once
// The one SSH connection to a host that every job on it shares. Connects on
// first use and again after a loss; several commands may run at once.
// A host named `sim:NAME` is the built-in simulated ESXi host, run in-process
// with its state under DATA_DIR/sim/NAME: the demo needs no SSH server.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <memory>
#include <optional>

#include "ssh/ssh_connection.hpp"

namespace vscsi::collect {

class HostLink {
  public:
    // `data_dir` locates the state of simulated hosts (unused for real ones).
    HostLink(boost::asio::any_io_executor ex, ssh::SshParams params,
             std::filesystem::path data_dir = {});

    static bool is_simulated(std::string_view host) { return host.starts_with("sim:"); }
    static std::filesystem::path simulated_state_dir(const std::filesystem::path& data_dir,
                                                     std::string_view host);

    // Connects if needed (one attempt at a time, shared by concurrent callers).
    boost::asio::awaitable<std::optional<ssh::SshError>> ensure_connected();
    // A command over the shared connection; connection failures come back as
    // undelivered outcomes (fatal for host-key and authentication errors).
    boost::asio::awaitable<CommandOutcome> exec(std::string command,
                                                std::chrono::milliseconds timeout);

    const ssh::SshParams& params() const { return params_; }
    std::string fingerprint() const;
    void close();

  private:
    boost::asio::any_io_executor ex_;
    ssh::SshParams params_;
    std::filesystem::path sim_dir_;  // non-empty: a simulated host
    std::shared_ptr<ssh::SshConnection> conn_;
    bool connecting_ = false;
    std::optional<ssh::SshError> last_error_;
    boost::asio::steady_timer connected_;  // cancelled when an attempt finishes
};

}  // namespace vscsi::collect
