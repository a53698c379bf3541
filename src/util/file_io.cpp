#include "util/file_io.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path) : path_(std::move(path)) {
    const auto dir = path_.has_parent_path() ? path_.parent_path() : std::filesystem::path{"."};
    tmp_ = dir / fmt::format(".{}.tmp.{}", path_.filename().string(), ::getpid());
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) error_ = last_error();
}

AtomicFileWriter::~AtomicFileWriter() {
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(tmp_.c_str());
    }
}

void AtomicFileWriter::append(std::string_view bytes) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0 && !error_) {
        const auto n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno != EINTR) error_ = last_error();
            continue;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
        size_ += static_cast<std::uint64_t>(n);
    }
    // A large file goes to the disk while it is written, not all at commit's
    // fsync: the device works while the caller reads and parses the next piece.
    constexpr std::uint64_t kWriteBehind = 8 << 20;
    if (!error_ && size_ - flushed_ >= kWriteBehind) {
        ::sync_file_range(fd_, static_cast<off_t>(flushed_), static_cast<off_t>(size_ - flushed_),
                          SYNC_FILE_RANGE_WRITE);
        flushed_ = size_;
    }
}

void AtomicFileWriter::write_at(std::uint64_t offset, std::string_view bytes) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0 && !error_) {
        const auto n = ::pwrite(fd_, p, left, static_cast<off_t>(offset));
        if (n < 0) {
            if (errno != EINTR) error_ = last_error();
            continue;
        }
        p += n;
        offset += static_cast<std::uint64_t>(n);
        left -= static_cast<std::size_t>(n);
    }
}

boost::system::error_code AtomicFileWriter::append_file(const std::filesystem::path& source) {
    Fd in{::open(source.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) return last_error();
    // In the kernel (no trip through this process; a reflink where the file
    // system can), falling back to read/write where it cannot.
    for (bool kernel = true; !error_;) {
        const auto n = kernel ? ::copy_file_range(in.fd, nullptr, fd_, nullptr, 1 << 30, 0) : -1;
        if (n > 0) continue;
        if (n == 0) return {};
        if (kernel &&
            (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
            kernel = false;
            std::string buffer(1 << 20, '\0');
            for (;;) {
                const auto got = ::read(in.fd, buffer.data(), buffer.size());
                if (got < 0 && errno == EINTR) continue;
                if (got < 0) return last_error();
                if (got == 0) return {};
                append({buffer.data(), static_cast<std::size_t>(got)});
                if (error_) return error_;
            }
        }
        if (errno != EINTR) error_ = last_error();
    }
    return error_;
}

boost::system::error_code AtomicFileWriter::commit() {
    if (error_) return error_;
    if (::fsync(fd_) != 0) return error_ = last_error();
    ::close(fd_);
    fd_ = -1;
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
        error_ = last_error();
        ::unlink(tmp_.c_str());
        return error_;
    }
    return sync_directory(path_.has_parent_path() ? path_.parent_path()
                                                  : std::filesystem::path{"."});
}

boost::system::error_code write_file_atomic(const std::filesystem::path& path,
                                            std::string_view content) {
    AtomicFileWriter out(path);
    out.append(content);
    return out.commit();
}

boost::system::error_code read_file_pieces(const std::filesystem::path& path, std::string& buffer,
                                           const std::function<bool(std::string_view)>& on_piece) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) return last_error();
    if (buffer.empty()) buffer.resize(1 << 20);
    for (;;) {
        const auto n = ::read(f.fd, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        if (n == 0 || !on_piece({buffer.data(), static_cast<std::size_t>(n)})) return {};
    }
}

boost::system::error_code read_file(const std::filesystem::path& path, std::string& out) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) return last_error();
    // Straight into the string, sized by the file (a file that grows while
    // read still reads whole, by doubling).
    struct stat st {};
    std::size_t size = 0;
    if (::fstat(f.fd, &st) == 0 && S_ISREG(st.st_mode)) size = static_cast<std::size_t>(st.st_size);
    out.resize(std::max<std::size_t>(size + 1, 4096));
    std::size_t used = 0;
    for (;;) {
        if (used == out.size()) out.resize(out.size() * 2);
        const auto n = ::read(f.fd, out.data() + used, out.size() - used);
        if (n < 0) {
            if (errno == EINTR) continue;
            out.clear();
            return last_error();
        }
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
    }
    out.resize(used);
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
