#pragma once
// OpenSSH client configuration (ssh_config(5)) as vscsi reads it: which
// settings apply to a host, and from which file and line. Every option that
// applies is either honoured by vscsi or refused with its file:line: none is
// ignored, so a config that sends `ssh esx1` through a bastion can never make
// vscsi connect some other way. Pure: files are read through a callback.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/ssh_params.hpp"
#include "util/error.hpp"

namespace vscsi::host {

struct SshConfigValue {
    std::string keyword;            // as written (ProxyJump)
    std::vector<std::string> args;  // the option's arguments, quotes removed
    std::string raw;                // the rest of the line as written (ProxyCommand's command)
    std::string file;
    std::size_t line = 0;
    std::string where() const;  // "FILE:LINE"
};

// The settings that apply to one host, as `ssh -G` would print them: the
// first value found wins (IdentityFile accumulates), keywords in lower case.
struct SshConfigSettings {
    std::map<std::string, SshConfigValue> options;
    std::vector<SshConfigValue> identity_files;
    const SshConfigValue* find(const std::string& keyword) const;
    std::string value(const std::string& keyword) const;  // first argument, or ""
};

struct SshConfigSource {
    // The text of a file; nullopt when it does not exist (Include skips it).
    std::function<std::optional<std::string>(const std::string& path)> read;
    // The files a glob pattern names, sorted (Include FILE*).
    std::function<std::vector<std::string>(const std::string& pattern)> glob;
    std::string home;        // for ~ in paths
    std::string local_user;  // for Match localuser
};

// What applies to `host` (the name given to vscsi, before HostName) with
// `user` (empty: not given), read from `path` and what it includes. Fails
// (usage) naming file:line for what cannot be evaluated (Match exec...), for
// options vscsi cannot honour (ProxyJump, ProxyCommand, HostKeyAlias...) and
// for unknown keywords, saying what to do.
Result<SshConfigSettings> evaluate_ssh_config(const std::string& path, const std::string& host,
                                              const std::string& user,
                                              const SshConfigSource& source);

// Applies what vscsi follows itself to `p`, where the command line left it
// open: UserKnownHostsFile (when --known-hosts is not given), StrictHostKeyChecking
// accept-new, IdentitiesOnly yes (no agent: only the key files), IdentityAgent
// none, ConnectTimeout (the shorter wins). HostName, Port, User and IdentityFile
// are libssh's to apply from the same file.
void apply_ssh_config(const SshConfigSettings& s, SshParams& p, const std::string& home);

// `ssh -G`-like lines: each applied setting and the file:line it came from.
std::string describe_ssh_config(const SshConfigSettings& s);

// One hop of a ProxyJump / -J list: [ssh://][user@]host[:port] ([v6]:port).
struct JumpHop {
    std::string user, host;
    unsigned port = 0;  // 0: the hop's own config, else 22
};
// Fails (usage) naming the hop that does not read.
Result<std::vector<JumpHop>> parse_jump_hops(const std::string& list);

// OpenSSH's pattern match: '*' and '?' wildcards.
bool ssh_pattern_match(std::string_view pattern, std::string_view text);

}  // namespace vscsi::host
