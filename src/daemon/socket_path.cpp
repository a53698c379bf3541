#include "daemon/socket_path.hpp"

#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace vscsi::daemon {

std::filesystem::path default_socket_path() {
    // A runtime dir that does not exist (a stale variable after su, say) is ignored, as systemd
    // would not have it either.
    if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x && std::filesystem::is_directory(x))
        return std::filesystem::path(x) / "vscsi" / "vscsi.sock";
    return std::filesystem::path(fmt::format("/tmp/vscsi-{}", ::geteuid())) / "vscsi.sock";
}

Result<void> prepare_socket_dir(const std::filesystem::path& dir) {
    auto failed = [&](std::string what, std::string next) {
        return Error{ErrorKind::failure, fmt::format("{}: {}", what, std::strerror(errno)),
                     std::move(next)};
    };
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return failed(fmt::format("cannot create {}", dir.string()),
                      "check its parent directory, or set XDG_RUNTIME_DIR");
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0)
        return failed(fmt::format("cannot inspect {}", dir.string()), "");
    if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid())
        return Error{ErrorKind::failure,
                     fmt::format("{} is not a directory owned by you", dir.string()),
                     "remove it or set XDG_RUNTIME_DIR"};
    if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0)
        return failed(
            fmt::format("{} is open to other users and cannot be made private", dir.string()),
            "chmod 700 it");
    return {};
}

}  // namespace vscsi::daemon
