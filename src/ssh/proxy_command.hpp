#pragma once
// ssh_config's ProxyCommand: a process whose stdin and stdout are the
// connection to the host (one end of a socket pair; libssh gets the other).
// It is run without a shell when the command needs none, its stderr is kept
// for the error message, and it is ended with the connection.

#include <sys/types.h>

#include <string>

#include "util/error.hpp"

namespace vscsi::ssh {

class ProxyProcess {
  public:
    ProxyProcess() = default;
    ProxyProcess(ProxyProcess&& o) noexcept;
    ProxyProcess& operator=(ProxyProcess&& o) noexcept;
    ~ProxyProcess();

    // `command` with %h, %p, %r, %n and %% already expanded.
    static Result<ProxyProcess> start(const std::string& command);

    // Our end of the socket pair: the caller takes it (and closes it).
    int take_fd();
    // What the command wrote to stderr so far (at most 4 KiB), one line.
    std::string error_text();
    // SIGTERM, then SIGKILL if it lingers; reaps it.
    void stop();

  private:
    pid_t pid_ = -1;
    int fd_ = -1;
    int err_fd_ = -1;
};

// OpenSSH's tokens: %h host name, %p port, %r remote user, %n the name as
// given, %% a percent sign.
std::string expand_proxy_tokens(const std::string& command, const std::string& host, unsigned port,
                                const std::string& user, const std::string& original);

}  // namespace vscsi::ssh
