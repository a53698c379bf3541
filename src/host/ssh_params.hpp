#pragma once
// How to reach and authenticate to one host. The password is a secret: it is
// read from an environment variable or a file, never from argv, and nothing
// here ever prints it.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace vscsi {
class JsonFields;
}

namespace vscsi::host {

struct SshParams {
    std::string host;   // name, IP or ~/.ssh/config alias
    std::string user;   // empty: from ssh config, else $USER
    unsigned port = 0;  // 0: from ssh config, else 22; else limits::kPort
    std::vector<std::string> key_files;
    std::string password;  // secret
    std::string
        password_file;  // where the password came from (a path, not a secret): re-read on resume
    bool use_agent = true;
    std::string known_hosts;  // empty: ~/.ssh/known_hosts
    std::string ssh_config;   // empty: ~/.ssh/config; "none": do not read one
    // Jump hosts, as ssh -J: "[user@]host[:port],..." in order; empty: the ssh
    // config's ProxyJump, if any; "none": connect directly.
    std::string jump;
    bool accept_new_host_key = false;  // unknown keys are refused unless this is set
    std::chrono::milliseconds connect_timeout{15'000};
    std::size_t max_output_bytes = 64u << 20;  // per command: a runaway host cannot exhaust memory
};

// The first line of a password file (a secret); errors name the file, never its content.
Result<std::string> read_password_line(const std::string& path);
// Reads the password from the first line of `path` (and records the path, not
// a secret, for resuming). Fails naming the file, never its content.
Result<void> read_password_file(SshParams& p, const std::string& path);

// The one JSON form of these settings (job.json's resume plan, the daemon's
// job.start and job.cleanup). The password is written only when asked for:
// to the daemon over the user's own socket, never to a file.
enum class Secret { omit, include };
boost::json::object ssh_params_to_json(const SshParams& p, Secret password);
// Throws DataError naming the field (`fields` knows the document and the path).
SshParams ssh_params_from_json(const JsonFields& fields);

}  // namespace vscsi::host
