#include "util/file_io.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>

namespace vscsi {
namespace {

boost::system::error_code last_error() {
    return {errno, boost::system::system_category()};
}

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

boost::system::error_code sync_directory(const std::filesystem::path& dir) {
    Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (d.fd < 0) return last_error();
    if (::fsync(d.fd) != 0) return last_error();
    return {};
}

boost::system::error_code write_file_atomic(const std::filesystem::path& path,
                                            std::string_view content) {
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path{"."};
    const auto tmp = dir / fmt::format(".{}.tmp.{}", path.filename().string(), ::getpid());
    {
        Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
        if (f.fd < 0) return last_error();
        const char* p = content.data();
        std::size_t left = content.size();
        while (left > 0) {
            const auto n = ::write(f.fd, p, left);
            if (n < 0) {
                if (errno == EINTR) continue;
                auto ec = last_error();
                ::unlink(tmp.c_str());
                return ec;
            }
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        if (::fsync(f.fd) != 0) {
            auto ec = last_error();
            ::unlink(tmp.c_str());
            return ec;
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        auto ec = last_error();
        ::unlink(tmp.c_str());
        return ec;
    }
    return sync_directory(dir);
}

boost::system::error_code read_file(const std::filesystem::path& path, std::string& out) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) return last_error();
    out.clear();
    char buf[1 << 16];
    for (;;) {
        const auto n = ::read(f.fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        if (n == 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return {};
}

}  // namespace vscsi

namespace vscsi {

boost::system::error_code create_unique_directory(const std::filesystem::path& parent,
                                                  const std::string& base,
                                                  std::filesystem::path& created) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return ec;
    for (int n = 1; n < 10000; ++n) {
        auto candidate = parent / (n == 1 ? base : base + "-" + std::to_string(n));
        // create_directory is atomic: false means someone else holds the name.
        if (std::filesystem::create_directory(candidate, ec)) {
            created = std::move(candidate);
            return {};
        }
        if (ec) return ec;
    }
    return boost::system::errc::make_error_code(boost::system::errc::file_exists);
}

}  // namespace vscsi
