#include "app/fio_import.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "app/errors.hpp"
#include "format/value_limits.hpp"
#include "job/staged_job.hpp"
#include "util/file_io.hpp"

namespace vscsi {
namespace {

bool is_clat_or_slat(const fs::path& p) {
    const auto n = p.filename().string();
    return n.find("_clat.") != std::string::npos || n.find("_slat.") != std::string::npos;
}

// A folder stands for the logs in it (a run's output folder): its other
// files are skipped, and said so.
std::vector<fs::path> expand_folders(const std::vector<fs::path>& given,
                                     std::vector<std::string>& notes) {
    std::vector<fs::path> out;
    std::string text;
    for (const auto& g : given) {
        std::error_code ec;
        if (!fs::is_directory(g, ec)) {
            out.push_back(g);
            continue;
        }
        std::vector<fs::path> inside;
        for (const auto& e : fs::directory_iterator(g, ec))
            if (e.is_regular_file()) inside.push_back(e.path());
        if (ec)
            throw std::runtime_error(fmt::format("cannot list {}: {}", g.string(), ec.message()));
        std::sort(inside.begin(), inside.end());
        std::size_t logs = 0;
        std::vector<std::string> skipped;
        for (const auto& f : inside) {
            if (auto rec = read_file(f, text))
                throw std::runtime_error(
                    fmt::format("cannot read {}: {}", f.string(), rec.message()));
            if (detect_fio_log(text) == FioLogKind::other) {
                skipped.push_back(f.filename().string());
                continue;
            }
            out.push_back(f);
            ++logs;
        }
        if (logs == 0)
            throw UserError(
                {ErrorKind::usage,
                 fmt::format("{}: no fio iolog or latency log in this folder", g.string()),
                 "give the folder fio wrote its logs to (write_iolog, "
                 "write_lat_log with log_offset=1), or the log files"});
        if (!skipped.empty()) {
            std::string list;
            for (const auto& n : skipped) list += (list.empty() ? "" : ", ") + n;
            notes.push_back(fmt::format("{}: {} file(s) that are not fio logs skipped: {}",
                                        g.string(), skipped.size(), list));
        }
    }
    return out;
}

FioRunLogs load_or_throw(const std::vector<fs::path>& given, const FioRunOptions& run) {
    if (given.empty())
        throw UserError({ErrorKind::usage, "no fio logs given",
                         "vscsi import fio IOLOG... [NAME_lat.N.log...] or a folder of them"});
    FioRunLogs out;
    std::vector<std::string> notes;
    out.files = expand_folders(given, notes);
    std::vector<NamedIolog> iologs;
    std::vector<NamedLatLog> lats;
    std::string text;
    for (const auto& f : out.files) {
        if (auto ec = read_file(f, text))
            throw std::runtime_error(fmt::format("cannot read {}: {}", f.string(), ec.message()));
        switch (detect_fio_log(text)) {
            case FioLogKind::iolog: {
                NamedIolog io{f.filename().string(), {}};
                if (auto e = parse_fio_iolog(text, f.string(), io.log); !e)
                    throw DataError(e.error());
                iologs.push_back(std::move(io));
                break;
            }
            case FioLogKind::latency: {
                if (is_clat_or_slat(f)) {
                    notes.push_back(
                        fmt::format("{}: completion/submission latency log left out; the total "
                                    "latency (_lat) log is the one vscsiStats' latency matches",
                                    f.string()));
                    break;
                }
                NamedLatLog lat{f.filename().string(), {}};
                if (auto e = parse_fio_lat_log(text, f.string(), lat.entries); !e)
                    throw DataError(e.error());
                lats.push_back(std::move(lat));
                break;
            }
            case FioLogKind::other:
                throw DataError(ParseError{
                    f.string(), 1, "format",
                    "neither a fio iolog ('fio version 3 iolog') nor a per-I/O latency log "
                    "('time_ms, value_ns, ddir, bs, offset'); write them with "
                    "write_iolog=FILE, write_lat_log=NAME and log_offset=1"});
        }
    }
    if (iologs.empty() && lats.empty())
        throw UserError({ErrorKind::usage, "no usable log",
                         "give the iolog (write_iolog) and/or the _lat log (write_lat_log)"});
    auto trace = merge_fio_run(iologs, lats, run);
    if (!trace) throw UserError(trace.error());
    out.trace = std::move(*trace);
    out.trace.warnings.insert(out.trace.warnings.begin(), notes.begin(), notes.end());
    return out;
}

}  // namespace

Result<FioRunLogs> load_fio_run(const std::vector<fs::path>& files, const FioRunOptions& run) {
    return app::result_of([&] { return load_or_throw(files, run); });
}

double auto_interval_seconds(const IoTrace& trace) {
    if (trace.ios.empty()) return 1;
    const double span =
        static_cast<double>(trace.ios.back().issue_us - trace.ios.front().issue_us) / 1e6;
    return std::max(1.0, std::round(span / 20));
}

namespace {

ImportResult import_or_throw(const FioImportOptions& o) {
    auto loaded = load_or_throw(o.files, o.run);
    const auto& trace = loaded.trace;
    if (o.interval_seconds != 0)
        if (auto why = limits::out_of_range(o.interval_seconds, limits::kImportInterval))
            throw UserError({ErrorKind::usage, "--interval " + *why,
                             "or leave it out: a twentieth of the run"});
    const double interval =
        o.interval_seconds > 0 ? o.interval_seconds : auto_interval_seconds(trace);
    const auto interval_us = static_cast<std::uint64_t>(std::llround(interval * 1e6));
    const auto now = now_ms();
    ImportResult res;
    res.job_id = o.name.empty() ? "fio-" + format_compact_utc(now) : o.name;
    StagedJob staged(o.data_dir, res.job_id);
    res.dir = staged.final_dir();
    res.warnings = trace.warnings;
    res.notes = trace.jobs;

    // Trace time 0 is fio's start; by default the newest log was written when fio ended.
    TimePoint start = now;
    if (o.start) {
        start = *o.start;
    } else {
        std::error_code ec;
        std::optional<fs::file_time_type> newest;
        for (const auto& f : loaded.files) {
            const auto t = fs::last_write_time(f, ec);
            if (!ec && (!newest || t > *newest)) newest = t;
        }
        if (newest)
            start = std::chrono::time_point_cast<std::chrono::milliseconds>(
                std::chrono::file_clock::to_sys(*newest));
        start -= std::chrono::milliseconds(trace.ios.back().complete_us / 1000);
    }

    auto meta = imported_job_meta(res.job_id, "fio", now, o.host, o.tags);
    const auto intervals = trace_histograms(trace, interval_us, start);
    meta.profile = {"fio", intervals.size(), interval};
    std::string text;
    if (o.keep_raw)
        for (std::size_t i = 0; i < loaded.files.size(); ++i) {
            const auto& f = loaded.files[i];
            if (auto ec = read_file(f, text))
                throw std::runtime_error(
                    fmt::format("cannot read {}: {}", f.string(), ec.message()));
            staged.write_raw(fmt::format("{:02}-{}", i + 1, f.filename().string()), text);
        }
    ImportTargets targets;
    for (std::size_t i = 0; i < intervals.size(); ++i) {
        SampleHeader h;
        h.seq = i + 1;
        h.start = intervals[i].start;
        h.end = intervals[i].end;
        h.origin = "fio";
        staged.write_sample(h, intervals[i].data);
        targets.add(intervals[i].data);
        ++res.samples;
    }
    targets.store(meta, "fio");
    set_imported_collection(meta, intervals.empty() ? start : intervals.front().start,
                            intervals.empty() ? start : intervals.back().end, res.samples);
    staged.commit(meta);
    return res;
}

}  // namespace

Result<ImportResult> import_fio_logs(const FioImportOptions& options) {
    return app::result_of([&] { return import_or_throw(options); });
}

}  // namespace vscsi
