#include "app/csv_import.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "analysis/covered_time.hpp"
#include "analysis/interval_delta.hpp"
#include "app/errors.hpp"
#include "format/value_limits.hpp"
#include "format/vscsistats_csv.hpp"
#include "job/job_dir.hpp"
#include "job/staged_job.hpp"
#include "util/copied_read.hpp"
#include "util/file_io.hpp"

namespace vscsi {
namespace {

// An inference this uncertain (integer means of long cumulative counters)
// is not used.
constexpr double kMaxRelativeUncertainty = 0.20;
// At most this many per-print warnings of one kind are listed.
constexpr std::size_t kListedWarnings = 3;

[[noreturn]] void io_fail(const std::string& what, const fs::path& p,
                          boost::system::error_code ec) {
    throw std::runtime_error(fmt::format("cannot {} {}: {}", what, p.string(), ec.message()));
}

struct PrintInfo {
    std::size_t file = 0;
    std::size_t line = 0;  // where the print starts
    std::optional<CoveredTime> since_start;
    std::optional<CoveredTime> since_previous;  // cumulative reading
    bool continues = false;                     // counters did not go down since the previous print
};

std::string where(const ImportOptions& o, const PrintInfo& p) {
    return fmt::format("{}:{}", o.files[p.file].string(), p.line);
}

// The name of file f's verbatim copy in the job's raw/ directory.
std::string raw_name(const ImportOptions& o, std::size_t f) {
    return fmt::format("{:04}-{}", f + 1, o.files[f].filename().string());
}

// Pass 1, a buffer at a time: each file is parsed (errors name its
// file:line:field) and copied into the job as it is read, so the job keeps
// exactly the bytes that were checked, even if the file grows meanwhile; each
// print's start line, covered time and disks are noted. Memory: four 1 MiB
// buffers (the copies are written on a thread of their own while the next
// piece is parsed), one disk and an index of the disks of a print.
class ImportScan final : public VscsiStatsSink {
  public:
    ImportScan(std::vector<PrintInfo>& info, ImportTargets& targets)
        : info_(info), targets_(targets) {}

    // `sample`, when given, gets the same bytes as the raw copy (the file's
    // sample, should it hold one print).
    void scan(const ImportOptions& o, std::size_t file, StagedJob& staged,
              SampleBeingRead* sample) {
        file_ = file;
        CsvParseOptions popt;
        popt.source = o.files[file].string();
        VscsiStatsStreamParser parser(*this, popt, true);
        AtomicFileWriter copy(staged.raw_path(raw_name(o, file)));
        std::vector<AtomicFileWriter*> copies{&copy};
        if (sample) copies.push_back(&sample->writer());
        std::optional<ParseError> failed;
        const auto ec = read_file_copied(o.files[file], copies, [&](std::string_view piece) {
            if (auto e = parser.feed(piece); !e) failed = std::move(e.error());
            return !failed;
        });
        if (ec) io_fail("read", o.files[file], ec);
        if (!failed)
            if (auto e = parser.finish(); !e) failed = std::move(e.error());
        end_print();
        if (failed) throw DataError(std::move(*failed));
        if (auto e = copy.commit()) io_fail("write", copy.path(), e);
    }

  private:
    void on_print(std::size_t first_line) override {
        end_print();
        info_.push_back({file_, first_line, {}, {}, false});
        time_ = PrintCoveredTime{};
        open_ = true;
    }
    void on_disk(const DiskHistograms& run, std::size_t) override {
        time_.add(run);
        targets_.add(run.disk);
    }
    void end_print() {
        if (open_) info_.back().since_start = time_.result();
        open_ = false;
    }

    std::vector<PrintInfo>& info_;
    ImportTargets& targets_;
    std::size_t file_ = 0;
    PrintCoveredTime time_;
    bool open_ = false;
};

// Parses the job's copy of file f into its prints (held whole: appended
// prints are compared and subtracted print by print).
void read_prints(const ImportOptions& o, std::size_t file, const StagedJob& staged,
                 std::string& text, std::vector<VscsiStatsOutput>& prints,
                 std::vector<std::size_t>& lines) {
    const auto copy = staged.raw_path(raw_name(o, file));
    if (auto ec = read_file(copy, text)) io_fail("read", copy, ec);
    CsvParseOptions popt;
    popt.source = o.files[file].string();
    if (auto e = parse_vscsistats_prints(text, prints, popt, &lines); !e)
        throw DataError(e.error());
}

// Several prints: how each follows the one before (counters continued, and
// the time between them).
void survey_continuations(const ImportOptions& o, const StagedJob& staged,
                          std::vector<PrintInfo>& info) {
    std::string text;
    std::vector<VscsiStatsOutput> prints;
    std::vector<std::size_t> lines;
    VscsiStatsOutput prev;
    std::size_t k = 0;
    for (std::size_t f = 0; f < o.files.size(); ++f) {
        read_prints(o, f, staged, text, prints, lines);
        for (auto& print : prints) {
            if (k > 0 && k < info.size()) {
                info[k].continues = continues_counters(prev, print);
                info[k].since_previous = covered_time_between(prev, print);
            }
            ++k;
            prev = std::move(print);
        }
    }
}

struct SeriesChoice {
    bool cumulative = false;
    std::string note;
};

SeriesChoice choose_series(const ImportOptions& o, const std::vector<PrintInfo>& info,
                           std::vector<std::string>& warnings) {
    if (info.size() == 1) return {false, "one print"};
    if (o.series != PrintSeries::detect) {
        const bool cum = o.series == PrintSeries::cumulative;
        return {cum, cum ? "cumulative (--cumulative): samples are the differences between "
                           "successive prints"
                         : "reset between prints (--reset-between-prints): each print is one "
                           "interval"};
    }
    std::size_t continuing = 0;
    std::string restarts;
    for (std::size_t k = 1; k < info.size(); ++k) {
        if (info[k].continues) {
            ++continuing;
        } else if (std::count(restarts.begin(), restarts.end(), ',') + 1 <
                   static_cast<long>(kListedWarnings)) {
            restarts += (restarts.empty() ? "" : ", ") + where(o, info[k]);
        }
    }
    if (continuing == 0)
        return {false,
                fmt::format("reset between prints (detected: counts went down at every one of "
                            "the {} prints; --cumulative overrides): each print is one interval",
                            info.size())};
    if (continuing < info.size() - 1)
        warnings.push_back(fmt::format(
            "counters went down at {} of {} prints (first at {}): taken as collection restarts, "
            "those prints are taken whole; --reset-between-prints if every print followed a -r",
            info.size() - 1 - continuing, info.size(), restarts));
    return {true, fmt::format("cumulative (detected: no count went down over {} prints; "
                              "--reset-between-prints overrides): samples are the differences "
                              "between successive prints",
                              info.size())};
}

bool usable(const std::optional<CoveredTime>& t) {
    return t && t->seconds > 0 && t->uncertainty <= kMaxRelativeUncertainty * t->seconds;
}

// A print that is only subtracted from (the first cumulative print whose span is unknown).
constexpr double kBaselineOnly = -1;

// Each print's covered time in seconds, and the note saying how.
std::vector<double> print_seconds(const ImportOptions& o, const std::vector<PrintInfo>& info,
                                  bool cumulative, ImportRecord& rec,
                                  std::vector<std::string>& warnings) {
    std::vector<std::optional<CoveredTime>> inferred;
    for (std::size_t k = 0; k < info.size(); ++k) {
        const bool delta = cumulative && k > 0 && info[k].continues;
        const auto& t = delta ? info[k].since_previous : info[k].since_start;
        inferred.push_back(usable(t) ? t : std::nullopt);
    }
    std::vector<double> secs(info.size(), 0);
    if (o.interval_seconds) {
        rec.interval_source = "given";
        const bool cumulative_series = cumulative && info.size() > 1;
        rec.interval_detail =
            fmt::format("--interval {:g} s for every print{}", *o.interval_seconds,
                        cumulative_series ? " after the first" : "");
        std::vector<std::string> off;
        // Cumulative prints: the first one's counters run from `vscsiStats -s`
        // for a time no --interval says. Its interarrival histograms tell it,
        // or it is only the baseline the next print is subtracted from.
        const bool baseline = cumulative_series;
        if (baseline) {
            if (inferred[0]) {
                rec.interval_detail += fmt::format(
                    "; the first print covers {:.1f} s since vscsiStats -s by its interarrival "
                    "histograms ({}): cumulative counters start there, not {:g} s before it",
                    inferred[0]->seconds, inferred[0]->disk, *o.interval_seconds);
            } else {
                rec.interval_detail +=
                    "; the first print is the baseline, not a sample: its counters run from "
                    "vscsiStats -s for a time its histograms cannot tell";
                warnings.push_back(fmt::format(
                    "{} is the baseline of the cumulative prints, not a sample: the time its "
                    "counters cover since vscsiStats -s is unknown (too few IOs to infer it)",
                    where(o, info[0])));
            }
        }
        for (std::size_t k = 0; k < info.size(); ++k) {
            if (baseline && k == 0) {
                secs[k] = inferred[0] ? inferred[0]->seconds : kBaselineOnly;
                continue;
            }
            secs[k] = *o.interval_seconds;
            const auto& t = inferred[k];
            if (!t ||
                std::abs(*o.interval_seconds - t->seconds) <= kIntervalDisagreement * t->seconds)
                continue;
            off.push_back(fmt::format("{} covers {:.1f} s by its interarrival histograms ({})",
                                      where(o, info[k]), t->seconds, t->disk));
        }
        if (!off.empty()) {
            std::string list;
            for (std::size_t i = 0; i < off.size() && i < kListedWarnings; ++i)
                list += (i ? "; " : "") + off[i];
            if (off.size() > kListedWarnings)
                list += fmt::format("; and {} more", off.size() - kListedWarnings);
            warnings.push_back(fmt::format(
                "--interval {:g} s disagrees with the data by more than {:.0f}% for {} of {} "
                "print(s): {}. Rates are computed with the given interval; drop --interval to "
                "use the inferred one",
                *o.interval_seconds, kIntervalDisagreement * 100, off.size(), info.size(), list));
        }
        return secs;
    }
    std::vector<double> known;
    for (const auto& t : inferred)
        if (t) known.push_back(t->seconds);
    if (known.empty())
        throw UserError(
            {ErrorKind::usage,
             fmt::format("cannot tell how long {} covers{}: no disk has two IOs in an "
                         "interarrival histogram{} (vscsiStats records no time; vscsi infers "
                         "it from the gaps between IOs)",
                         o.files.front().string(), info.size() > 1 ? " (any of its prints)" : "",
                         cumulative ? " or a growth of it that the integer means can resolve" : ""),
             "give the time each print covers: --interval SECONDS"});
    std::sort(known.begin(), known.end());
    const double median = known[known.size() / 2];
    std::vector<std::string> guessed;
    for (std::size_t k = 0; k < info.size(); ++k) {
        if (inferred[k]) {
            secs[k] = inferred[k]->seconds;
            continue;
        }
        secs[k] = median;
        guessed.push_back(where(o, info[k]));
    }
    if (!guessed.empty())
        warnings.push_back(fmt::format(
            "{} of {} print(s) show too few IOs to infer the time they cover (first at {}): "
            "given the median of the others, {:.1f} s; pass --interval if you know it",
            guessed.size(), info.size(), guessed.front(), median));
    rec.interval_source = "inferred";
    if (info.size() == 1) {
        rec.interval_detail = fmt::format(
            "{:.1f} s from the interarrival histogram of {}: count x mean - max (the first IO's "
            "gap) = time from the first IO to the last (+-{:.3f} s from the integer mean)",
            secs[0], inferred[0]->disk, inferred[0]->uncertainty);
    } else {
        const auto [lo, hi] = std::minmax_element(secs.begin(), secs.end());
        rec.interval_detail = fmt::format(
            "per print from the interarrival histograms ({}): {:.1f} s to {:.1f} s",
            cumulative ? "growth of count x mean between cumulative prints; the first print: "
                         "count x mean - max"
                       : "count x mean - max, the time from each print's first IO to its last",
            *lo, *hi);
    }
    return secs;
}

// The sample of an import of one file that holds one print.
SampleHeader one_print_header(const ImportOptions& o, TimePoint start, TimePoint end) {
    SampleHeader h;
    h.seq = 1;
    h.start = start;
    h.end = end;
    h.origin = o.files[0].filename().string();
    return h;
}

TimePoint default_end(const ImportOptions& o) {
    std::error_code ec;
    const auto mtime = fs::last_write_time(o.files.back(), ec);
    if (ec) return now_ms();
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::file_clock::to_sys(mtime));
}

std::chrono::milliseconds ms(double seconds) {
    return std::chrono::milliseconds(std::llround(seconds * 1000));
}

ImportResult import_or_throw(const ImportOptions& o) {
    if (o.files.empty())
        throw UserError({ErrorKind::usage, "no CSV files given", "vscsi import FILE.csv..."});
    if (o.interval_seconds)
        if (auto why = limits::out_of_range(*o.interval_seconds, limits::kImportInterval))
            throw UserError({ErrorKind::usage, "--interval " + *why,
                             "give the time each print covers, or leave --interval out to infer "
                             "it from the data"});
    const auto now = now_ms();
    ImportResult res;
    res.job_id = o.name.empty() ? "import-" + format_compact_utc(now) : o.name;

    StagedJob staged(o.data_dir, res.job_id);
    res.dir = staged.final_dir();

    // Pass 1: every file parsed and kept; how long each print covers and how
    // prints follow each other.
    std::vector<PrintInfo> info;
    ImportTargets streamed_targets;
    // One file may be one print (a host-wide print can be 100 MB): its sample
    // is then written in this same pass, its header once the print is known.
    std::optional<SampleBeingRead> one_print;
    if (o.files.size() == 1) one_print.emplace(staged, one_print_header(o, {}, {}));
    {
        ImportScan scan(info, streamed_targets);
        for (std::size_t f = 0; f < o.files.size(); ++f)
            scan.scan(o, f, staged, one_print ? &*one_print : nullptr);
    }
    if (info.size() > 1) {
        one_print.reset();  // several prints: their samples are made in pass 2
        survey_continuations(o, staged, info);
    }
    const auto series = choose_series(o, info, res.warnings);
    ImportRecord rec;
    rec.prints = info.size();
    rec.series = info.size() == 1    ? "one print"
                 : series.cumulative ? "cumulative"
                                     : "reset between prints";
    rec.series_source = o.series == PrintSeries::detect ? "detected" : "given";
    const auto secs = print_seconds(o, info, series.cumulative, rec, res.warnings);
    double total = 0;
    for (auto s : secs)
        if (s != kBaselineOnly) total += s;
    const auto start0 = o.start.value_or(default_end(o) - ms(total));

    // Pass 2: the samples.
    auto meta = imported_job_meta(res.job_id, "import", now, o.host, o.tags);
    const auto sampled = static_cast<std::size_t>(
        std::count_if(secs.begin(), secs.end(), [](double x) { return x != kBaselineOnly; }));
    meta.profile = {"import", sampled,
                    total / static_cast<double>(std::max<std::size_t>(1, sampled))};
    if (info.size() == 1) {
        // One print: the sample is its text as read, never held whole.
        const auto h = one_print_header(o, start0, start0 + ms(secs[0]));
        if (!one_print || !one_print->commit(h)) {
            one_print.reset();
            staged.write_sample_of_raw(h, raw_name(o, 0));
        }
        streamed_targets.store(meta, o.vm);
        res.samples = 1;
    } else {
        ImportTargets targets;
        std::string text;
        std::vector<VscsiStatsOutput> prints;
        std::vector<std::size_t> lines;
        VscsiStatsOutput prev, delta;
        std::size_t k = 0;
        double elapsed = 0;
        for (std::size_t f = 0; f < o.files.size(); ++f) {
            read_prints(o, f, staged, text, prints, lines);
            for (std::size_t i = 0; i < prints.size(); ++i, ++k) {
                const VscsiStatsOutput* data = &prints[i];
                if (series.cumulative && k > 0) {
                    DeltaReport rep;
                    if (auto sub = subtract_cumulative(prev, prints[i], delta, rep); !sub)
                        throw DataError(
                            ParseError{o.files[f].string(), info[k].line, "", sub.error().what});
                    if (rep.counters_reset && o.series == PrintSeries::cumulative)
                        res.warnings.push_back(fmt::format(
                            "{}: {}; taken as a restart (the print covers the time since it)",
                            where(o, info[k]), rep.detail));
                    data = &delta;
                }
                if (secs[k] == kBaselineOnly) {  // subtracted from, not a sample
                    prev = std::move(prints[i]);
                    continue;
                }
                SampleHeader h;
                h.seq = res.samples + 1;
                h.start = start0 + ms(elapsed);
                elapsed += secs[k];
                h.end = start0 + ms(elapsed);
                h.origin = prints.size() > 1
                               ? fmt::format("{} print {} (line {})",
                                             o.files[f].filename().string(), i + 1, info[k].line)
                               : o.files[f].filename().string();
                staged.write_sample(h, *data);
                targets.add(prints[i]);
                prev = std::move(prints[i]);
                ++res.samples;
            }
        }
        targets.store(meta, o.vm);
    }
    set_imported_collection(meta, start0, start0 + ms(total), res.samples);
    res.interval_note = fmt::format("interval {}: {}", rec.interval_source, rec.interval_detail);
    res.series_note =
        info.size() > 1 ? fmt::format("{} prints taken as {}", info.size(), series.note) : "";
    meta.import = std::move(rec);
    staged.commit(meta);
    return res;
}

}  // namespace

Result<ImportResult> import_csv_files(const ImportOptions& options) {
    return app::result_of([&] { return import_or_throw(options); });
}

}  // namespace vscsi
