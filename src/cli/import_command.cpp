#include <fmt/core.h>

#include <boost/json.hpp>
#include <iostream>

#include "app/csv_import.hpp"
#include "app/fio_import.hpp"
#include "cli/command_context.hpp"
#include "cli/exit_codes.hpp"
#include "cli/subcommand_options.hpp"
#include "format/value_limits.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace po = boost::program_options;

namespace {

constexpr const char* kImportUsage =
    R"(Usage: vscsi import FILE.csv... [--interval SECONDS] [options]

Makes a job from `vscsiStats -p all -c` output collected by hand: one or more
files in time order, each holding one print or several appended ones (the
usual `vscsiStats -p all -c >> out.csv` loop). Each print becomes a sample.

Time: vscsiStats records none. Without --interval, each print's time is
inferred from its interarrival histograms (count x mean is the sum of the
gaps between IOs; after -s the first gap, the max, is left out); with it,
every print covers the given time and vscsi warns when the data disagree by
more than 20%.

Several prints: counters run from -s until -r or -x, so prints of a running
collection are cumulative (samples are their differences) and prints each
followed by -r are one interval each. vscsi detects which (no count going
down = cumulative) and says so; --cumulative or --reset-between-prints
overrides.

       vscsi import fio LOG... | FOLDER [options]

Makes a job from a fio run's per-I/O logs (write_iolog=FILE, and
write_lat_log=NAME with log_offset=1), any number of jobs, in any order, or the
folder they are in: each job's iolog is paired with its latency log by the
I/Os they share, and all jobs' I/Os on one file merge by issue time into one
disk, re-measured into vscsiStats histograms with ESXi's buckets (outstanding
IOs and seek distances across jobs, as ESXi sees them). Every log given counts
or the import fails naming it; counts per job and per file are printed.
Latency logs without iologs are taken as jobs that started together;
--jobs-in-sequence places each after the previous one (stonewall).)";

boost::json::array json_strings(const std::vector<std::string>& v) {
    boost::json::array a;
    for (const auto& x : v) a.emplace_back(x);
    return a;
}

void print_import_result(const CommandContext& ctx, const ImportResult& r) {
    if (ctx.json) {
        boost::json::array warnings;
        for (const auto& w : r.warnings) warnings.emplace_back(w);
        std::cout << compact_json(boost::json::object{{"job_id", r.job_id},
                                                      {"path", r.dir.string()},
                                                      {"samples", r.samples},
                                                      {"interval", r.interval_note},
                                                      {"prints", r.series_note},
                                                      {"merged_jobs", json_strings(r.notes)},
                                                      {"warnings", std::move(warnings)}})
                  << "\n";
    } else {
        for (const auto& w : r.warnings) std::cerr << "Warning: " << w << "\n";
        for (const auto& n : r.notes) std::cout << "Imported " << n << "\n";
        if (!r.interval_note.empty()) std::cout << "Time: " << r.interval_note << "\n";
        if (!r.series_note.empty()) std::cout << "Prints: " << r.series_note << "\n";
        std::cout << fmt::format(
            "Imported {} sample(s) into job '{}' at {}\nNext: vscsi analyze {}\n", r.samples,
            r.job_id, r.dir.string(), r.job_id);
    }
}

std::optional<TimePoint> start_option(const std::string& start) {
    if (start.empty()) return std::nullopt;
    auto t = parse_user_time(start);
    if (!t)
        throw UsageError(fmt::format(
            "--start '{}' is not ISO 8601 (e.g. 2026-01-31T12:00:00Z, 2026-01-31T13:00:00+01:00, "
            "or 2026-01-31T12:00:00 for UTC, or the TZ zone when TZ is set)",
            start));
    return t;
}

int run_import_fio(const CommandContext& ctx) {
    FioImportOptions o;
    std::vector<std::string> files, tags;
    std::string start;
    po::options_description desc("import fio options");
    desc.add_options()("interval", po::value(&o.interval_seconds),
                       "seconds per sample (default: a twentieth of the run, >= 1)")(
        "name", po::value(&o.name), "job name (default fio-YYYYmmdd-HHMMSS)")(
        "start", po::value(&start),
        "wall-clock start of the fio run, ISO 8601; without Z or an offset it is UTC, or TZ's "
        "zone when TZ is set (default: from the logs' mtime)")("host", po::value(&o.host),
                                                               "where fio ran (for reports)")(
        "tag", po::value(&tags)->composing(), "KEY=VALUE label, repeatable")(
        "jobs-in-sequence", po::bool_switch(&o.run.jobs_in_sequence),
        "latency logs without iologs ran one after another (stonewall), not side by side")(
        "files", po::value(&files), "fio logs or folders of them");
    po::positional_options_description pos;
    pos.add("files", -1);
    po::variables_map vm;
    CommandContext sub = ctx;
    sub.args.erase(sub.args.begin());  // "fio"
    if (!parse_subcommand(sub, kImportUsage, desc, pos, vm)) return exit_code::ok;
    for (const auto& f : files) {
        if (!std::filesystem::is_regular_file(f) && !std::filesystem::is_directory(f))
            throw NotFoundError(fmt::format("no such file or folder: {}", f));
        o.files.emplace_back(f);
    }
    if (vm.count("interval") && o.interval_seconds == 0)
        throw UsageError("--interval 0 is out of range: " +
                         limits::describe(limits::kImportInterval));
    o.start = start_option(start);
    o.tags = parse_tags(tags);
    o.data_dir = ctx.data_dir;
    print_import_result(ctx, import_fio_logs(o).value());
    return exit_code::ok;
}

}  // namespace

int run_import(const CommandContext& ctx) {
    if (!ctx.args.empty() && ctx.args.front() == "fio") return run_import_fio(ctx);
    ImportOptions o;
    std::vector<std::string> files, tags;
    std::string start;
    double interval = 0;
    bool cumulative = false, reset = false;
    po::options_description desc("import options");
    desc.add_options()("interval", po::value(&interval),
                       "seconds each print covers (default: inferred from the data)")(
        "name", po::value(&o.name), "job name (default import-YYYYmmdd-HHMMSS)")(
        "cumulative", po::bool_switch(&cumulative),
        "prints are of counters that kept running (default: detected)")(
        "reset-between-prints", po::bool_switch(&reset),
        "each print was followed by vscsiStats -r (default: detected)")(
        "start", po::value(&start),
        "start of the first print's interval, ISO 8601; without Z or an offset it is UTC, or "
        "TZ's zone when TZ is set (default: the last file's mtime minus the time covered)")(
        "host", po::value(&o.host), "ESXi host the files came from (for reports)")(
        "vm", po::value(&o.vm), "VM name (for reports)")("tag", po::value(&tags)->composing(),
                                                         "KEY=VALUE label, repeatable")(
        "files", po::value(&files), "input files");
    po::positional_options_description pos;
    pos.add("files", -1);
    po::variables_map vm;
    if (!parse_subcommand(ctx, kImportUsage, desc, pos, vm)) return exit_code::ok;
    for (const auto& f : files) {
        if (!std::filesystem::is_regular_file(f) && !std::filesystem::is_directory(f))
            throw NotFoundError(fmt::format("no such file or folder: {}", f));
        o.files.emplace_back(f);
    }
    if (cumulative && reset)
        throw UsageError("--cumulative and --reset-between-prints exclude each other");
    o.series = cumulative ? PrintSeries::cumulative
               : reset    ? PrintSeries::reset
                          : PrintSeries::detect;
    if (vm.count("interval")) o.interval_seconds = interval;
    o.start = start_option(start);
    o.tags = parse_tags(tags);
    o.data_dir = ctx.data_dir;
    print_import_result(ctx, import_csv_files(o).value());
    return exit_code::ok;
}

}  // namespace vscsi
