#include "ssh/ssh_config_files.hpp"

#include <glob.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vscsi::ssh {

namespace {

std::string home_dir() {
    const char* h = std::getenv("HOME");
    return h ? h : ".";
}

std::string local_user() {
    if (const auto* pw = ::getpwuid(::geteuid())) return pw->pw_name;
    const char* u = std::getenv("USER");
    return u ? u : "";
}

}  // namespace

std::string ssh_config_path(const host::SshParams& p) {
    if (p.ssh_config == "none") return {};
    return p.ssh_config.empty() ? home_dir() + "/.ssh/config" : p.ssh_config;
}

Result<host::SshConfigSettings> read_ssh_config(const host::SshParams& p) {
    const auto path = ssh_config_path(p);
    if (path.empty()) return host::SshConfigSettings{};
    host::SshConfigSource src;
    src.home = home_dir();
    src.local_user = local_user();
    src.read = [](const std::string& f) -> std::optional<std::string> {
        std::ifstream in(f, std::ios::binary);
        if (!in) return std::nullopt;
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    };
    src.glob = [](const std::string& pattern) {
        std::vector<std::string> files;
        glob_t g{};
        if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
            for (std::size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
        ::globfree(&g);
        return files;
    };
    return host::evaluate_ssh_config(path, p.host, p.user, src);
}

Result<host::SshConfigSettings> resolve_ssh_config(host::SshParams& p) {
    auto s = read_ssh_config(p);
    if (s) host::apply_ssh_config(*s, p, home_dir());
    return s;
}

}  // namespace vscsi::ssh
