#pragma once
// Where the daemon listens: $XDG_RUNTIME_DIR/vscsi/vscsi.sock (the systemd
// user unit's %t/vscsi/vscsi.sock), else /tmp/vscsi-UID/vscsi.sock. The
// directory is the user's alone (0700): other users cannot even reach it.

#include <boost/system/error_code.hpp>
#include <filesystem>
#include <string>

#include "util/error.hpp"

namespace vscsi::daemon {

std::filesystem::path default_socket_path();

// Creates the socket's directory 0700 if missing and refuses one that another
// user owns or others can enter (someone could plant a socket there).
Result<void> prepare_socket_dir(const std::filesystem::path& dir);

}  // namespace vscsi::daemon
