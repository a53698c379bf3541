#pragma once
// Reading a large input once while keeping copies of it: the copies are
// written on a thread of their own, so that writing them (as costly as parsing
// a 100 MB print) overlaps the caller's work on the next piece.

#include <boost/system/error_code.hpp>
#include <filesystem>
#include <functional>
#include <span>
#include <string_view>

#include "util/file_io.hpp"

namespace vscsi {

// Reads `path` a piece at a time and hands each piece to `on_piece` (which
// returns false to stop early) while the same bytes are appended to every one
// of `copies`, in order. When it returns, the copies are written up to the last
// piece read (their own errors are kept for their commit()); the error is the
// read's.
boost::system::error_code read_file_copied(const std::filesystem::path& path,
                                           std::span<AtomicFileWriter* const> copies,
                                           const std::function<bool(std::string_view)>& on_piece);

}  // namespace vscsi
