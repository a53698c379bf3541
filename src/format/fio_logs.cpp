#include "format/fio_logs.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "format/text_lines.hpp"

namespace vscsi {
namespace {

constexpr std::string_view kIologHeader = "fio version 3 iolog";

// Splits on ',' (latency logs) or blanks (iologs), dropping empty fields.
std::vector<std::string_view> fields(std::string_view line, char sep) {
    std::vector<std::string_view> f;
    std::size_t i = 0;
    while (i <= line.size()) {
        auto j = sep == ' ' ? line.find_first_of(" \t", i) : line.find(sep, i);
        if (j == std::string_view::npos) j = line.size();
        const auto piece = text::trim(line.substr(i, j - i));
        if (!piece.empty() || sep != ' ') f.push_back(piece);
        i = j + 1;
    }
    return f;
}

}  // namespace

FioLogKind detect_fio_log(std::string_view text) {
    const auto nl = text.find('\n');
    const auto first = text::trim(text.substr(0, nl));
    if (first == kIologHeader) return FioLogKind::iolog;
    const auto f = fields(first, ',');
    std::uint64_t v = 0;
    if (f.size() >= 5 && f.size() <= 7 && text::parse_int(f[0], v) && text::parse_int(f[1], v))
        return FioLogKind::latency;
    return FioLogKind::other;
}

ParseStatus parse_fio_iolog(std::string_view text, const std::string& source, FioIolog& out) {
    out = {};
    text::LineReader lines(text, 1);
    std::string_view line;
    if (!lines.next(line) || line != kIologHeader)
        return ParseError{source, 1, "header",
                          fmt::format("expected '{}' (fio's write_iolog format 3), found {}",
                                      kIologHeader, text::excerpt(line))};
    out.segments = 1;
    std::uint64_t offset = 0, last = 0;  // segment start; latest time seen (any action)
    while (lines.next(line)) {
        if (line.empty()) continue;
        if (line == kIologHeader) {  // the next stonewalled job's log
            offset = last;
            ++out.segments;
            continue;
        }
        const auto f = fields(line, ' ');
        auto err = [&](std::string field, std::string why) {
            return ParseError{source, lines.line_no(), std::move(field), std::move(why)};
        };
        if (f.size() < 3)
            return err("line", fmt::format("expected 'usec filename action ...', found {}",
                                           text::excerpt(line)));
        FioIologEntry e;
        if (!text::parse_int(f[0], e.issue_us))
            return err("timestamp",
                       fmt::format("not a time in microseconds: {}", text::excerpt(f[0])));
        e.issue_us += offset;
        last = std::max(last, e.issue_us);
        const auto action = f[2];
        if (action == "read")
            e.dir = FioDir::read;
        else if (action == "write")
            e.dir = FioDir::write;
        else if (action == "trim")
            e.dir = FioDir::trim;
        else
            continue;  // add, open, close, sync, datasync, wait: no data moved
        if (f.size() < 5)
            return err("offset", fmt::format("'{}' needs an offset and a length", action));
        if (!text::parse_int(f[3], e.offset))
            return err("offset", fmt::format("not a byte offset: {}", text::excerpt(f[3])));
        if (!text::parse_int(f[4], e.length) || e.length == 0)
            return err("length", fmt::format("not a length in bytes: {}", text::excerpt(f[4])));
        std::uint32_t idx = 0;
        while (idx < out.files.size() && out.files[idx] != f[1]) ++idx;
        if (idx == out.files.size()) out.files.emplace_back(f[1]);
        e.file = idx;
        if (!out.ios.empty() && e.issue_us < out.ios.back().issue_us)
            return err("timestamp",
                       fmt::format("time goes backwards ({} after {} us): not one job's iolog",
                                   e.issue_us, out.ios.back().issue_us));
        out.ios.push_back(e);
    }
    return {};
}

ParseStatus parse_fio_lat_log(std::string_view text, const std::string& source,
                              std::vector<FioLatEntry>& out) {
    out.clear();
    text::LineReader lines(text, 1);
    std::string_view line;
    while (lines.next(line)) {
        if (line.empty()) continue;
        const auto f = fields(line, ',');
        auto err = [&](std::string field, std::string why) {
            return ParseError{source, lines.line_no(), std::move(field), std::move(why)};
        };
        if (f.size() < 4)
            return err("line",
                       fmt::format("expected 'time_ms, value_ns, ddir, bs, offset', found {}",
                                   text::excerpt(line)));
        if (f.size() < 5)
            return err(
                "offset",
                "no offset column: run fio with log_offset=1 (and without log_avg_msec) so every "
                "I/O is logged with its offset");
        FioLatEntry e;
        unsigned ddir = 0;
        if (!text::parse_int(f[0], e.complete_ms))
            return err("time_ms", fmt::format("not a time in ms: {}", text::excerpt(f[0])));
        if (!text::parse_int(f[1], e.latency_ns))
            return err("value_ns", fmt::format("not a latency in ns: {}", text::excerpt(f[1])));
        if (!text::parse_int(f[2], ddir) || ddir > 2)
            return err("ddir", fmt::format("not 0, 1 or 2: {}", text::excerpt(f[2])));
        if (!text::parse_int(f[3], e.length) || e.length == 0)
            return err("bs", fmt::format("not a block size in bytes: {}", text::excerpt(f[3])));
        if (!text::parse_int(f[4], e.offset))
            return err("offset", fmt::format("not a byte offset: {}", text::excerpt(f[4])));
        e.dir = static_cast<FioDir>(ddir);
        out.push_back(e);
    }
    if (out.empty()) return ParseError{source, 0, "log", "no I/O in the latency log"};
    return {};
}

}  // namespace vscsi
