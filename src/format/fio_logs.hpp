#pragma once
// fio 3.33's per-I/O logs, parsed. Pure: text in, records out, errors name the
// file, line and field.
//
//   write_iolog=FILE (format v3): "fio version 3 iolog", then
//       "usec_timestamp filename action [offset length]" in issue order
//       (actions read/write/trim carry offset and length; add/open/close/
//       sync/datasync/wait do not).
//   write_lat_log=NAME + log_offset=1 (no log_avg_msec): NAME_lat.N.log, lines
//       "time_ms, value_ns, ddir, bs, offset[, prio]" - completion time in ms,
//       total latency in ns, ddir 0 read / 1 write / 2 trim.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/parse_error.hpp"

namespace vscsi {

enum class FioDir : std::uint8_t { read = 0, write = 1, trim = 2 };

struct FioIologEntry {
    std::uint64_t issue_us = 0;
    std::uint32_t file = 0;  // index into FioIolog::files
    FioDir dir = FioDir::read;
    std::uint64_t offset = 0;  // bytes
    std::uint32_t length = 0;  // bytes
};

struct FioIolog {
    std::vector<std::string> files;  // in order of first appearance
    std::vector<FioIologEntry> ios;  // reads, writes and trims only
    // Stonewalled jobs sharing one write_iolog each append a header and count
    // time from their own start: each later segment is placed after the end of
    // the one before it.
    std::size_t segments = 0;
};

struct FioLatEntry {
    std::uint64_t complete_ms = 0;
    std::uint64_t latency_ns = 0;
    FioDir dir = FioDir::read;
    std::uint32_t length = 0;
    std::uint64_t offset = 0;
};

enum class FioLogKind { iolog, latency, other };

// Tells the two log kinds apart by content (first line), not by name.
FioLogKind detect_fio_log(std::string_view text);

ParseStatus parse_fio_iolog(std::string_view text, const std::string& source, FioIolog& out);
// Lines without an offset column (log_offset=0) are an error that says to set log_offset=1.
ParseStatus parse_fio_lat_log(std::string_view text, const std::string& source,
                              std::vector<FioLatEntry>& out);

}  // namespace vscsi
