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

namespace {
std::filesystem::path absolute_form(const std::filesystem::path& p) {
    std::error_code ec;
    auto c = std::filesystem::weakly_canonical(std::filesystem::absolute(p, ec), ec);
    return ec ? p.lexically_normal() : c;
}
}  // namespace

bool same_data_dir(const std::filesystem::path& a, const std::filesystem::path& b) {
    return absolute_form(a) == absolute_form(b);
}

std::filesystem::path socket_path_for_data_dir(const std::filesystem::path& data_dir,
                                               const std::filesystem::path& default_data_dir) {
    const auto def = default_socket_path();
    if (same_data_dir(data_dir, default_data_dir)) return def;
    // FNV-1a: stable across runs and builds (std::hash is not promised to be).
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : absolute_form(data_dir).string()) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return def.parent_path() / fmt::format("vscsi-{:012x}.sock", h & 0xFFFFFFFFFFFFULL);
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
