#pragma once
// What collection needs from a host: run a command, get its output and exit
// status. Implemented over SSH (ssh::SshHost) and by the in-process simulated
// ESXi host (sim::InProcessHost); `collect` knows only this interface.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <ostream>
#include <string>

namespace vscsi::host {

// A command that ran to its end (any exit status).
struct CommandOutput {
    int exit_status = 0;
    std::string out;
    std::string err;
};

// The host could not be reached, or a command did not complete.
struct HostError {
    std::string message;  // says what happened and what to do; never holds a secret
    bool fatal = false;   // retrying cannot help (host key, authentication)
};
[[noreturn]] void throw_exception_from_error(const HostError& e, const boost::source_location& loc);
inline std::ostream& operator<<(std::ostream& os, const HostError& e) {
    return os << e.message;
}

using CommandResult = boost::system::result<CommandOutput, HostError>;
using ConnectResult = boost::system::result<void, HostError>;

class HostShell {
  public:
    virtual ~HostShell() = default;

    // Connects if needed; concurrent callers share one attempt.
    virtual boost::asio::awaitable<ConnectResult> connect() = 0;
    // Connects if needed, then runs `command`. Several may run at once.
    virtual boost::asio::awaitable<CommandResult> run(std::string command,
                                                      std::chrono::milliseconds timeout) = 0;
    // SHA256:... of the host key of the current connection (empty before one).
    virtual std::string fingerprint() const = 0;
    virtual void close() = 0;
};

}  // namespace vscsi::host
