#include "app/csv_import.hpp"

#include <fmt/core.h>

#include <stdexcept>

#include "analysis/interval_delta.hpp"
#include "app/errors.hpp"
#include "format/vscsistats_csv.hpp"
#include "job/job_dir.hpp"
#include "job/staged_job.hpp"
#include "util/file_io.hpp"

namespace vscsi {
namespace {

TimePoint default_start(const ImportOptions& o) {
    std::error_code ec;
    const auto mtime = fs::last_write_time(o.files.front(), ec);
    if (ec) return now_ms();
    const auto sys = std::chrono::file_clock::to_sys(mtime);
    const auto interval =
        std::chrono::milliseconds(static_cast<long long>(o.interval_seconds * 1000));
    return std::chrono::time_point_cast<std::chrono::milliseconds>(sys) - interval;
}

[[noreturn]] void io_fail(const std::string& what, const fs::path& p,
                          boost::system::error_code ec) {
    throw std::runtime_error(fmt::format("cannot {} {}: {}", what, p.string(), ec.message()));
}

ImportResult import_or_throw(const ImportOptions& o) {
    if (o.files.empty())
        throw UserError({ErrorKind::usage, "no CSV files given",
                         "vscsi import FILE.csv... --interval SECONDS"});
    if (!(o.interval_seconds > 0))
        throw UserError({ErrorKind::usage,
                         "--interval SECONDS is required and must be > 0: the time each "
                         "file covers (vscsiStats itself records no time)",
                         ""});
    const auto now = now_ms();
    ImportResult res;
    res.job_id = o.name.empty() ? "import-" + format_compact_utc(now) : o.name;
    StagedJob staged(o.data_dir, res.job_id);
    res.dir = staged.final_dir();

    auto meta = imported_job_meta(res.job_id, "import", now, o.host, o.tags);
    meta.profile = {"import", o.files.size(), o.interval_seconds};

    const auto start0 = o.start.value_or(default_start(o));
    const auto step = std::chrono::milliseconds(static_cast<long long>(o.interval_seconds * 1000));
    std::string text;
    VscsiStatsOutput prev, cur, interval;
    for (std::size_t i = 0; i < o.files.size(); ++i) {
        const auto& file = o.files[i];
        if (auto ec = read_file(file, text)) io_fail("read", file, ec);
        CsvParseOptions popt;
        popt.source = file.string();
        if (auto e = parse_vscsistats_csv(text, cur, popt); !e) throw DataError(e.error());
        // Keep the original bytes: the raw text is the evidence.
        staged.write_raw(fmt::format("{:04}-{}", i + 1, file.filename().string()), text);

        const VscsiStatsOutput* data = &cur;
        if (o.cumulative && i > 0) {
            DeltaReport rep;
            if (auto sub = subtract_cumulative(prev, cur, interval, rep); !sub)
                throw DataError(ParseError{file.string(), 0, "", sub.error().what});
            if (rep.counters_reset)
                res.warnings.push_back(
                    fmt::format("{}: {}; taken as a reset (the file covers the "
                                "time since the reset)",
                                file.string(), rep.detail));
            data = &interval;
        }
        SampleHeader h;
        h.seq = i + 1;
        h.start = start0 + step * static_cast<long long>(i);
        h.end = h.start + step;
        h.origin = file.filename().string();
        staged.write_sample(h, *data);
        add_targets(meta, cur, o.vm);
        if (o.cumulative) std::swap(prev, cur);
        ++res.samples;
    }
    set_imported_collection(meta, start0, start0 + step * static_cast<long long>(o.files.size()),
                            res.samples);
    staged.commit(meta);
    return res;
}

}  // namespace

Result<ImportResult> import_csv_files(const ImportOptions& options) {
    return app::result_of([&] { return import_or_throw(options); });
}

}  // namespace vscsi
