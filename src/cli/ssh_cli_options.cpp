#include "cli/ssh_cli_options.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "cli/command_context.hpp"
#include "format/value_limits.hpp"

namespace vscsi {
namespace po = boost::program_options;

void SshCliOptions::add_to(po::options_description& desc) {
    desc.add_options()("user,u", po::value(&user),
                       "SSH user (default: from ~/.ssh/config, else your user name)")(
        "port", po::value(&port), "SSH port (default: from ~/.ssh/config, else 22)")(
        "key,k", po::value(&keys)->composing(),
        "private key file, repeatable (default: ssh-agent)")(
        "known-hosts", po::value(&known_hosts), "known_hosts file (default ~/.ssh/known_hosts)")(
        "accept-new-host-key", po::bool_switch(&accept_new),
        "trust and record a host key seen for the first time")(
        "ssh-config", po::value(&ssh_config),
        "ssh config file for host aliases (default ~/.ssh/config; 'none')")(
        "jump,J", po::value(&jump),
        "jump hosts, as ssh -J: [user@]host[:port][,...] (default: the ssh config's ProxyJump; "
        "'none': connect directly)")("password-file", po::value(&password_file),
                                     "read the SSH password from this file (first line)")(
        "ask-password", po::bool_switch(&ask_password),
        "prompt for the SSH password on the terminal")("no-agent", po::bool_switch(&no_agent),
                                                       "do not use ssh-agent")(
        "connect-timeout", po::value(&connect_timeout)->default_value(connect_timeout),
        "seconds to connect and log in");
}

host::SshParams SshCliOptions::to_params(const std::string& host) const {
    host::SshParams p;
    p.host = host;
    p.user = user;
    if (port != 0)
        if (auto why = limits::out_of_range(port, limits::kPort))
            throw UsageError("--port " + *why);
    p.port = static_cast<unsigned>(port);
    p.key_files = keys;
    p.known_hosts = known_hosts;
    p.ssh_config = ssh_config;
    p.jump = jump;
    p.accept_new_host_key = accept_new;
    p.use_agent = !no_agent;
    // The range the daemon and job.json's resume plan accept (host/ssh_params.cpp).
    if (auto why = limits::out_of_range(connect_timeout, limits::kConnectTimeout))
        throw UsageError("--connect-timeout " + *why);
    p.connect_timeout = std::chrono::milliseconds(static_cast<long long>(connect_timeout * 1000));
    if (const char* pw = std::getenv("VSCSI_SSH_PASSWORD"); pw && *pw) p.password = pw;
    if (!password_file.empty())
        if (auto read = host::read_password_file(p, password_file); !read)
            throw UsageError("--password-file: " + read.error().message());
    if (ask_password) {
        if (!::isatty(STDIN_FILENO))
            throw UsageError(
                "--ask-password needs a terminal; use $VSCSI_SSH_PASSWORD or --password-file in "
                "scripts");
        const char* pw = ::getpass(fmt::format("Password for {}: ", host).c_str());
        if (pw) p.password = pw;
    }
    return p;
}

host::SshParams SshCliOptions::to_daemon_params(const std::string& host) const {
    auto p = to_params(host);
    auto absolute = [](std::string& path) {
        if (!path.empty()) path = std::filesystem::absolute(path).string();
    };
    for (auto& k : p.key_files) absolute(k);
    absolute(p.known_hosts);
    if (p.ssh_config != "none") absolute(p.ssh_config);
    absolute(p.password_file);
    return p;
}

}  // namespace vscsi
