#pragma once
// The user's ssh_config as OpenSSH would read it from disk (Include globs,
// ~), evaluated for one host: see host/ssh_config.hpp for what is honoured
// and what is refused.

#include <string>

#include "host/ssh_config.hpp"
#include "host/ssh_params.hpp"
#include "util/error.hpp"

namespace vscsi::ssh {

// The file `p.ssh_config` names (empty: ~/.ssh/config; "none": nothing).
std::string ssh_config_path(const host::SshParams& p);

// What applies to p.host from that file; a missing file applies nothing.
Result<host::SshConfigSettings> read_ssh_config(const host::SshParams& p);

// read_ssh_config, then apply_ssh_config to `p`: how every connection starts.
Result<host::SshConfigSettings> resolve_ssh_config(host::SshParams& p);

}  // namespace vscsi::ssh
