#include "host/ssh_params.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <fstream>

#include "format/json_fields.hpp"
#include "format/value_limits.hpp"

namespace vscsi::host {
namespace json = boost::json;

Result<std::string> read_password_line(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return Error{ErrorKind::usage, "cannot read the password file " + path,
                     "check that it exists and that you may read it"};
    std::string line;
    std::getline(in, line);  // an empty file is an empty password
    return line;
}

Result<void> read_password_file(SshParams& p, const std::string& path) {
    auto line = read_password_line(path);
    if (!line) return line.error();
    p.password = std::move(*line);
    p.password_file = path;
    return {};
}

json::object ssh_params_to_json(const SshParams& p, Secret password) {
    json::array keys;
    for (const auto& k : p.key_files) keys.push_back(json::value(k));
    json::object o{{"host", p.host},
                   {"user", p.user},
                   {"port", p.port},
                   {"key_files", std::move(keys)},
                   {"use_agent", p.use_agent},
                   {"known_hosts", p.known_hosts},
                   {"ssh_config", p.ssh_config},
                   {"jump", p.jump},
                   {"accept_new_host_key", p.accept_new_host_key},
                   {"password_file", p.password_file},
                   {"connect_timeout_ms", p.connect_timeout.count()}};
    if (password == Secret::include && !p.password.empty()) o["password"] = p.password;
    return o;
}

SshParams ssh_params_from_json(const JsonFields& f) {
    SshParams p;
    p.host = f.string("host");
    p.user = f.string("user");
    const auto port = f.integer("port", 0);
    if (port != 0)
        if (auto why = limits::out_of_range(static_cast<double>(port), limits::kPort))
            f.fail("port", *why + " (or 0 for the default)");
    p.port = static_cast<unsigned>(port);
    p.key_files = f.strings("key_files");
    p.use_agent = f.boolean("use_agent", true);
    p.known_hosts = f.string("known_hosts");
    p.ssh_config = f.string("ssh_config");
    p.jump = f.string("jump");
    p.accept_new_host_key = f.boolean("accept_new_host_key", false);
    p.password_file = f.string("password_file");
    const auto timeout = f.integer("connect_timeout_ms", p.connect_timeout.count());
    if (auto why =
            limits::out_of_range(static_cast<double>(timeout) / 1000, limits::kConnectTimeout))
        f.fail("connect_timeout_ms", "in seconds " + *why);
    p.connect_timeout = std::chrono::milliseconds(timeout);
    p.password = f.string("password");  // requests only: job.json never holds one
    return p;
}

}  // namespace vscsi::host
