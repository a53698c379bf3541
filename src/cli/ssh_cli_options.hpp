#pragma once
// SSH options shared by the commands that reach a host. Passwords come from
// $VSCSI_SSH_PASSWORD, --password-file or a TTY prompt (--ask-password):
// never from the command line, where other users could read them.

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "host/ssh_params.hpp"

namespace vscsi {

struct SshCliOptions {
    std::string user, known_hosts, ssh_config, password_file, jump;
    double port = 0;  // 0: from ~/.ssh/config, else 22
    std::vector<std::string> keys;
    bool accept_new = false, no_agent = false, ask_password = false;
    double connect_timeout = 15;

    void add_to(boost::program_options::options_description& desc);
    host::SshParams to_params(const std::string& host) const;  // throws UsageError
    // For the daemon's job.start/job.cleanup: paths made absolute (the daemon
    // runs elsewhere); holds the password when there is one (the socket is the
    // user's own; the daemon keeps it in memory only).
    host::SshParams to_daemon_params(const std::string& host) const;
};

}  // namespace vscsi
