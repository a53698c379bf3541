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

}  // namespace

// fio numbers each job's latency log NAME_lat.N.log; jobs run in that order.
// Per-job iologs are named the same way (PREFIX.N.iolog, as vscsi writes them).
std::uint64_t job_number(const fs::path& p) {
    const auto n = p.filename().string();
    auto dot = n.rfind(".log");
    if (n.ends_with(".iolog")) dot = n.size() - 6;
    const auto start = dot == std::string::npos ? std::string::npos : n.rfind('.', dot - 1);
    std::uint64_t v = 0;
    if (start == std::string::npos) return 0;
    for (auto i = start + 1; i < dot; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(n[i]))) return 0;
        v = v * 10 + static_cast<std::uint64_t>(n[i] - '0');
    }
    return v;
}

namespace {

// Several jobs that ran side by side, each with its own iolog (fio cannot
// share one between jobs) and latency log: each job's pair is matched I/O by
// I/O, then all I/Os merge into one trace by issue time, so outstanding IOs
// and seek distances are measured across jobs, as ESXi would see them.
IoTrace merge_jobs(std::vector<std::pair<fs::path, FioIolog>>& iologs,
                   std::vector<std::pair<fs::path, std::vector<FioLatEntry>>>& lats) {
    if (!lats.empty() && lats.size() != iologs.size())
        throw UserError(
            {ErrorKind::usage,
             fmt::format("{} iologs and {} latency logs: each job's iolog pairs with its own "
                         "_lat log",
                         iologs.size(), lats.size()),
             "give every job's iolog and _lat log of the run, or only the iologs"});
    IoTrace all;
    all.has_latency = !lats.empty();
    all.exact_issue_times = true;
    for (std::size_t k = 0; k < iologs.size(); ++k) {
        auto t = build_io_trace(&iologs[k].second, lats.empty() ? nullptr : &lats[k].second);
        std::vector<std::uint32_t> file_of(t.files.size());
        for (std::size_t f = 0; f < t.files.size(); ++f) {
            const auto it = std::find(all.files.begin(), all.files.end(), t.files[f]);
            file_of[f] = static_cast<std::uint32_t>(it - all.files.begin());
            if (it == all.files.end()) all.files.push_back(t.files[f]);
        }
        std::uint64_t reads = 0;
        for (auto io : t.ios) {
            io.file = file_of[io.file];
            reads += io.dir == FioDir::read;
            all.ios.push_back(io);
        }
        all.jobs.push_back(fmt::format(
            "job {}: {}{}: {} reads, {} writes", k + 1, iologs[k].first.filename().string(),
            lats.empty() ? "" : " + " + lats[k].first.filename().string(), reads,
            t.ios.size() - reads));
        for (auto& w : t.warnings)
            all.warnings.push_back(iologs[k].first.filename().string() + ": " + w);
    }
    std::stable_sort(all.ios.begin(), all.ios.end(),
                     [](const IoRecord& a, const IoRecord& b) { return a.issue_us < b.issue_us; });
    return all;
}

IoTrace load_or_throw(const std::vector<fs::path>& given) {
    if (given.empty())
        throw UserError(
            {ErrorKind::usage, "no fio logs given", "vscsi import fio IOLOG [NAME_lat.1.log]"});
    auto files = given;
    std::stable_sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
        return job_number(a) < job_number(b);
    });
    std::vector<std::pair<fs::path, FioIolog>> iologs;
    std::vector<FioLatEntry> lat, part;
    bool have_lat = false;
    std::vector<std::string> notes;
    std::vector<std::pair<fs::path, std::vector<FioLatEntry>>> lat_parts;  // in job order
    std::string text;
    for (const auto& f : files) {
        if (auto ec = read_file(f, text))
            throw std::runtime_error(fmt::format("cannot read {}: {}", f.string(), ec.message()));
        switch (detect_fio_log(text)) {
            case FioLogKind::iolog: {
                FioIolog io;
                if (auto e = parse_fio_iolog(text, f.string(), io); !e) throw DataError(e.error());
                iologs.emplace_back(f, std::move(io));
                break;
            }
            case FioLogKind::latency:
                if (is_clat_or_slat(f)) {
                    notes.push_back(
                        fmt::format("{}: completion/submission latency log left out; the total "
                                    "latency (_lat) log is the one vscsiStats' latency matches",
                                    f.string()));
                    break;
                }
                if (auto e = parse_fio_lat_log(text, f.string(), part); !e)
                    throw DataError(e.error());
                lat_parts.emplace_back(f, std::move(part));
                have_lat = true;
                break;
            case FioLogKind::other:
                throw DataError(ParseError{
                    f.string(), 1, "format",
                    "neither a fio iolog ('fio version 3 iolog') nor a per-I/O latency log "
                    "('time_ms, value_ns, ddir, bs, offset'); write them with "
                    "write_iolog=FILE, write_lat_log=NAME and log_offset=1"});
        }
    }
    if (iologs.size() > 1) {
        auto trace = merge_jobs(iologs, lat_parts);
        trace.warnings.insert(trace.warnings.begin(), notes.begin(), notes.end());
        if (trace.ios.empty())
            throw UserError({ErrorKind::usage, "the fio logs hold no reads or writes", ""});
        return trace;
    }
    const FioIolog* iolog = iologs.empty() ? nullptr : &iologs.front().second;
    for (auto& [f, entries] : lat_parts) {
        if (!lat.empty()) {
            // Another job's log counts from that job's start: without an iolog
            // to give exact times, place it after the previous one (stonewall).
            const auto after = lat.back().complete_ms + 1;
            for (auto& e : entries) e.complete_ms += after;
            if (!iolog)
                notes.push_back(fmt::format(
                    "{}: taken to run after the previous job's log (stonewall)", f.string()));
        }
        std::stable_sort(entries.begin(), entries.end(),
                         [](auto& a, auto& b) { return a.complete_ms < b.complete_ms; });
        lat.insert(lat.end(), entries.begin(), entries.end());
    }
    if (!iolog && !have_lat)
        throw UserError({ErrorKind::usage, "no usable log",
                         "give the iolog (write_iolog) and/or the _lat log (write_lat_log)"});
    auto trace = build_io_trace(iolog, have_lat ? &lat : nullptr);
    trace.warnings.insert(trace.warnings.begin(), notes.begin(), notes.end());
    if (trace.ios.empty())
        throw UserError({ErrorKind::usage, "the fio logs hold no reads or writes", ""});
    return trace;
}

}  // namespace

Result<IoTrace> load_fio_trace(const std::vector<fs::path>& files) {
    return app::result_of([&] { return load_or_throw(files); });
}

double auto_interval_seconds(const IoTrace& trace) {
    if (trace.ios.empty()) return 1;
    const double span =
        static_cast<double>(trace.ios.back().issue_us - trace.ios.front().issue_us) / 1e6;
    return std::max(1.0, std::round(span / 20));
}

namespace {

ImportResult import_or_throw(const FioImportOptions& o) {
    auto trace = load_or_throw(o.files);
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
        for (const auto& f : o.files) {
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
        for (std::size_t i = 0; i < o.files.size(); ++i) {
            if (auto ec = read_file(o.files[i], text))
                throw std::runtime_error(
                    fmt::format("cannot read {}: {}", o.files[i].string(), ec.message()));
            staged.write_raw(fmt::format("{:02}-{}", i + 1, o.files[i].filename().string()), text);
        }
    for (std::size_t i = 0; i < intervals.size(); ++i) {
        SampleHeader h;
        h.seq = i + 1;
        h.start = intervals[i].start;
        h.end = intervals[i].end;
        h.origin = "fio";
        staged.write_sample(h, intervals[i].data);
        add_targets(meta, intervals[i].data, "fio");
        ++res.samples;
    }
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
