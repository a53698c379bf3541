#pragma once
// File I/O at the edge: whole-file reads and crash-safe writes.

#include <boost/system/error_code.hpp>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace vscsi {

// Writes `content` so that a reader (or a crash) sees either the old file or
// the whole new one: temp file in the same directory, fsync, rename, fsync dir.
boost::system::error_code write_file_atomic(const std::filesystem::path& path,
                                            std::string_view content);

// The same, written a piece at a time (a copy of a large input): nothing is
// visible at `path` until commit(); destroyed uncommitted, it leaves nothing.
class AtomicFileWriter {
  public:
    explicit AtomicFileWriter(std::filesystem::path path);
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
    ~AtomicFileWriter();

    void append(std::string_view bytes);  // the first error is kept for commit()
    // Replaces bytes already appended (a header whose room was kept at the start).
    void write_at(std::uint64_t offset, std::string_view bytes);
    // Appends the whole of `source` (a copy of a large file, done by the kernel).
    boost::system::error_code append_file(const std::filesystem::path& source);
    boost::system::error_code commit();
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_, tmp_;
    int fd_ = -1;
    boost::system::error_code error_;
    std::uint64_t size_ = 0, flushed_ = 0;  // bytes appended; of them, sent to the disk
};

// Reads the file a buffer at a time (`buffer`'s size, 1 MiB when empty) and
// hands each piece to `on_piece`, which returns false to stop early.
boost::system::error_code read_file_pieces(const std::filesystem::path& path, std::string& buffer,
                                           const std::function<bool(std::string_view)>& on_piece);

// Reads the whole file into `out` (its capacity is reused across calls).
boost::system::error_code read_file(const std::filesystem::path& path, std::string& out);

// fsync on a directory, so a rename or a new entry in it survives a crash.
boost::system::error_code sync_directory(const std::filesystem::path& dir);

// Creates parent/base, or parent/base-2, -3 ... when taken (by another run in
// the same second, or another process): each caller gets its own directory.
boost::system::error_code create_unique_directory(const std::filesystem::path& parent,
                                                  const std::string& base,
                                                  std::filesystem::path& created);

}  // namespace vscsi
