#pragma once
// One SSH connection to a host, shared by every job on it: libssh in
// non-blocking mode driven by the Asio event loop (Asio owns the TCP socket,
// libssh gets its fd). Many exec channels may be in flight at once from one
// thread. Errors at this edge are values (boost::system::result), not exceptions.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <memory>
#include <ostream>
#include <string>

#include "host/ssh_params.hpp"

namespace vscsi::ssh {

using host::SshParams;

struct SshError {
    enum class Kind {
        config,
        resolve,
        connect,
        timeout,
        handshake,
        host_key,
        auth,
        channel,
        closed
    };
    Kind kind = Kind::connect;
    std::string message;  // says what happened and what to do; never holds a secret
};
[[noreturn]] void throw_exception_from_error(const SshError& e, const boost::source_location& loc);
inline std::ostream& operator<<(std::ostream& os, const SshError& e) {
    return os << e.message;
}

// A command that ran to its end, whatever its exit status.
struct ExecOutput {
    int exit_status = 0;
    std::string out;
    std::string err;
};
// Errors: the command did not complete (connection lost, timeout, output over the limit).
using ExecResult = boost::system::result<ExecOutput, SshError>;

class SshConnection : public std::enable_shared_from_this<SshConnection> {
  public:
    ~SshConnection();
    SshConnection(const SshConnection&) = delete;
    SshConnection& operator=(const SshConnection&) = delete;

    // Through the jump hosts of params.jump or the ssh config's ProxyJump (each
    // hop a connection of its own on this loop, checked and authenticated like
    // the host), a ProxyCommand, or directly.
    static boost::asio::awaitable<boost::system::result<std::shared_ptr<SshConnection>, SshError>>
    connect(boost::asio::any_io_executor ex, SshParams params);

    // A direct-tcpip channel to host:port from this host, bridged to a socket
    // pair: returns the other end (the caller's to close), over which the next
    // hop's SSH session runs. The bridge ends when either side closes.
    boost::asio::awaitable<boost::system::result<int, SshError>> open_tunnel(
        std::string host, unsigned port, std::chrono::milliseconds timeout);

    boost::asio::awaitable<ExecResult> exec(std::string command, std::chrono::milliseconds timeout);

    bool is_open() const;
    const std::string& host() const;
    const std::string& fingerprint() const;  // SHA256:... of the host key
    void close();

    struct Impl;

  private:
    explicit SshConnection(std::shared_ptr<Impl> impl);
    static boost::asio::awaitable<boost::system::result<std::shared_ptr<SshConnection>, SshError>>
    connect_hop(boost::asio::any_io_executor ex, SshParams params, int depth);
    std::shared_ptr<Impl> impl_;  // shared with the pump coroutine
};

}  // namespace vscsi::ssh
