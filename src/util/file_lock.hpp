#pragma once
// An exclusive advisory lock (flock) held as long as the object lives. The
// kernel drops it when the process dies, however it dies: a lock that is free
// means its last holder is gone.

#include <filesystem>
#include <optional>

namespace vscsi {

class FileLock {
  public:
    // Creates the file if needed; nullopt when another process holds it.
    static std::optional<FileLock> try_acquire(const std::filesystem::path& path);
    FileLock(FileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    FileLock& operator=(FileLock&& o) noexcept;
    ~FileLock();

  private:
    explicit FileLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace vscsi
