#pragma once
// How to reach and authenticate to one host. The password is a secret: it is
// read from an environment variable or a file, never from argv, and nothing
// here ever prints it.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace vscsi::host {

struct SshParams {
    std::string host;   // name, IP or ~/.ssh/config alias
    std::string user;   // empty: from ssh config, else $USER
    unsigned port = 0;  // 0: from ssh config, else 22
    std::vector<std::string> key_files;
    std::string password;  // secret
    std::string
        password_file;  // where the password came from (a path, not a secret): re-read on resume
    bool use_agent = true;
    std::string known_hosts;           // empty: ~/.ssh/known_hosts
    std::string ssh_config;            // empty: ~/.ssh/config; "none": do not read one
    bool accept_new_host_key = false;  // unknown keys are refused unless this is set
    std::chrono::milliseconds connect_timeout{15'000};
    std::size_t max_output_bytes = 64u << 20;  // per command: a runaway host cannot exhaust memory
};

}  // namespace vscsi::ssh
