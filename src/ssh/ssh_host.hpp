#pragma once
// The one SSH connection to a host that every job on it shares, as a
// host::HostShell: connects on first use and again after a loss; several
// commands may run at once.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>

#include "host/host_shell.hpp"
#include "ssh/ssh_connection.hpp"

namespace vscsi::ssh {

class SshHost final : public host::HostShell {
  public:
    SshHost(boost::asio::any_io_executor ex, SshParams params);

    boost::asio::awaitable<host::ConnectResult> connect() override;
    boost::asio::awaitable<host::CommandResult> run(std::string command,
                                                    std::chrono::milliseconds timeout) override;
    std::string fingerprint() const override;
    void close() override;

  private:
    boost::asio::any_io_executor ex_;
    SshParams params_;
    std::shared_ptr<SshConnection> conn_;
    bool connecting_ = false;
    std::optional<SshError> last_error_;
    boost::asio::steady_timer connected_;  // cancelled when an attempt finishes
};

// Host-key and authentication failures cannot be cured by retrying.
host::HostError to_host_error(const SshError& e);

}  // namespace vscsi::ssh
