#include "daemon/socket_path.hpp"

#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace vscsi::daemon {

std::filesystem::path default_socket_path() {
    // A runtime dir that does not exist (a stale variable after su, say) is ignored, as systemd
    // would not have it either.
    if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x && std::filesystem::is_directory(x))
        return std::filesystem::path(x) / "vscsi" / "vscsi.sock";
    return std::filesystem::path(fmt::format("/tmp/vscsi-{}", ::geteuid())) / "vscsi.sock";
}

boost::system::error_code prepare_socket_dir(const std::filesystem::path& dir, std::string& why) {
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        why = fmt::format("cannot create {}", dir.string());
        return {errno, boost::system::system_category()};
    }
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) {
        why = fmt::format("cannot inspect {}", dir.string());
        return {errno, boost::system::system_category()};
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
        why = fmt::format("{} is not a directory owned by you: remove it or set XDG_RUNTIME_DIR",
                          dir.string());
        return boost::system::errc::make_error_code(boost::system::errc::permission_denied);
    }
    if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
        why = fmt::format("{} is open to other users and cannot be made private (chmod 700 it)",
                          dir.string());
        return {errno, boost::system::system_category()};
    }
    return {};
}

}  // namespace vscsi::daemon
