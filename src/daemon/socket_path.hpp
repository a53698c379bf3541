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

// One daemon per data directory, so one socket each: the default data
// directory's daemon listens on default_socket_path() (where the systemd
// user unit puts it); any other's on vscsi-HASH.sock beside it, HASH from the
// directory's absolute path.
std::filesystem::path socket_path_for_data_dir(const std::filesystem::path& data_dir,
                                               const std::filesystem::path& default_data_dir);

// Whether two data directory names are the same directory.
bool same_data_dir(const std::filesystem::path& a, const std::filesystem::path& b);

// Creates the socket's directory 0700 if missing and refuses one that another
// user owns or others can enter (someone could plant a socket there).
Result<void> prepare_socket_dir(const std::filesystem::path& dir);

}  // namespace vscsi::daemon
