#include "daemon/systemd.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace vscsi::daemon {

namespace {
std::optional<long> number(const char* s) {
    if (!s || !*s) return std::nullopt;
    long v = 0;
    const auto end = s + std::strlen(s);
    const auto [p, ec] = std::from_chars(s, end, v);
    if (ec != std::errc{} || p != end) return std::nullopt;
    return v;
}
}  // namespace

int listen_fds_from_env(const EnvLookup& env, long pid) {
    const auto for_pid = number(env("LISTEN_PID"));
    const auto fds = number(env("LISTEN_FDS"));
    if (!for_pid || *for_pid != pid || !fds || *fds <= 0 || *fds > 64) return 0;
    return static_cast<int>(*fds);
}

std::optional<std::string> notify_socket_from_env(const EnvLookup& env) {
    const char* s = env("NOTIFY_SOCKET");
    if (!s || (s[0] != '/' && s[0] != '@') || std::strlen(s) < 2) return std::nullopt;
    if (std::strlen(s) >= sizeof(sockaddr_un::sun_path)) return std::nullopt;
    return std::string(s);
}

bool sd_notify(const std::string& state) {
    const auto where = notify_socket_from_env([](const char* n) { return std::getenv(n); });
    if (!where) return false;
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, where->data(), where->size());
    if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + where->size());
    const auto n = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                            reinterpret_cast<sockaddr*>(&addr), len);
    ::close(fd);
    return n == static_cast<ssize_t>(state.size());
}

void unset_activation_env() {
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
}

}  // namespace vscsi::daemon
