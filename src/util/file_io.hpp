#pragma once
// File I/O at the edge: whole-file reads and crash-safe writes.

#include <boost/system/error_code.hpp>
#include <filesystem>
#include <string>
#include <string_view>

namespace vscsi {

// Writes `content` so that a reader (or a crash) sees either the old file or
// the whole new one: temp file in the same directory, fsync, rename, fsync dir.
boost::system::error_code write_file_atomic(const std::filesystem::path& path,
                                            std::string_view content);

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
