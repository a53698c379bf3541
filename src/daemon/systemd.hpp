#pragma once
// The parts of the systemd protocol vscsi needs, without libsystemd: socket
// activation (LISTEN_PID/LISTEN_FDS), sd_notify datagrams, journal priorities.

#include <functional>
#include <optional>
#include <string>

namespace vscsi::daemon {

using EnvLookup = std::function<const char*(const char*)>;

// Number of sockets passed by systemd (starting at fd 3) when they are meant
// for process `pid`; 0 when not socket-activated.
int listen_fds_from_env(const EnvLookup& env, long pid);

// The address in $NOTIFY_SOCKET: a path, or "@name" for the abstract namespace.
std::optional<std::string> notify_socket_from_env(const EnvLookup& env);

// Sends "READY=1", "STOPPING=1", "STATUS=..." to $NOTIFY_SOCKET; false when
// not under systemd or the datagram could not be sent (never fatal).
bool sd_notify(const std::string& state);

// Clears the variables so children (autostarted clients, ssh) do not inherit them.
void unset_activation_env();

}  // namespace vscsi::daemon
