#include <fmt/core.h>

#include <boost/json.hpp>
#include <iostream>
#include <limits>

#include "app/analyze_outputs.hpp"
#include "app/csv_import.hpp"
#include "cli/analysis_cli_options.hpp"
#include "cli/command_context.hpp"
#include "cli/exit_codes.hpp"
#include "cli/subcommand_options.hpp"
#include "format/text_lines.hpp"
#include "format/value_limits.hpp"
#include "report/fio_job.hpp"
#include "report/human_summary.hpp"
#include "report/summary_json.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kAnalyzeUsage = R"(Usage: vscsi analyze JOB|DIR [options]
       vscsi analyze FILE.csv... [--interval SECONDS] [options]

Filters idle samples, computes the workload profile of the analyzed samples
(per disk and for the whole job), writes analysis/summary.json and a fio job
file that reproduces it. CSV files are imported as a new job first.
--visualize draws charts with gnuplot into ANALYSIS_DIR/charts; --report writes
one self-contained HTML file (ANALYSIS_DIR/report.html) to hand to a customer.)";

// fio splits filename= on ':' (several files); a literal colon must be escaped.
std::string fio_filename(const std::string& target) {
    if (target.empty() || target.find_first_of("\n\r") != std::string::npos)
        throw UsageError("--target must be a non-empty path without line breaks");
    std::string s;
    for (char c : target) {
        if (c == ':') s += '\\';
        s += c;
    }
    return s;
}

// The job to analyze: an existing job, or CSV files imported as a new one first.
struct CsvInputOptions {
    double interval = 0;
    bool cumulative = false;
    std::string name;
};

fs::path job_to_analyze(const CommandContext& ctx, const std::vector<std::string>& inputs,
                        const CsvInputOptions& csv, std::vector<std::string>& notes) {
    if (inputs.size() == 1 && !fs::is_regular_file(inputs[0])) {
        auto p = resolve_job(inputs[0], ctx.data_dir);
        if (!p) throw UserError(job_not_found(inputs[0], ctx.data_dir));
        return *p;
    }
    ImportOptions io;
    for (const auto& f : inputs) {
        if (!fs::is_regular_file(f)) throw NotFoundError(fmt::format("no such file: {}", f));
        io.files.emplace_back(f);
    }
    if (csv.interval > 0) io.interval_seconds = csv.interval;
    if (csv.cumulative) io.series = PrintSeries::cumulative;
    io.name = csv.name;
    io.data_dir = ctx.data_dir;
    const auto imported = import_csv_files(io).value();
    notes.insert(notes.end(), imported.warnings.begin(), imported.warnings.end());
    if (!ctx.json)
        std::cout << fmt::format("Imported {} print(s) as job '{}'\nTime: {}\n", imported.samples,
                                 imported.job_id, imported.interval_note);
    return imported.dir;
}

}  // namespace

int run_analyze(const CommandContext& ctx) {
    std::vector<std::string> inputs;
    AnalysisCliOptions analysis;
    std::string rate = "off";
    std::string output, output_dir, csv_path, ndjson_path, name, report_path, format = "png";
    std::string show_disks = std::to_string(kShownDisks);
    bool visualize = false;
    FioParams fio;
    bool no_direct = false, per_disk = false, cumulative = false;
    double interval = 0;
    po::options_description desc("analyze options");
    analysis.add_to(desc);
    desc.add_options()("output,o", po::value(&output),
                       "fio job file (default ANALYSIS_DIR/JOB.fio)")(
        "output-dir", po::value(&output_dir),
        "where summary.json and exports go (default JOB/analysis)")(
        "target", po::value(&fio.target)->default_value(fio.target),
        "fio filename: a file or device to test")(
        "size", po::value(&fio.size),
        "fio size (default: the span the measured random seeks cover, 16M-4G; 1G when too few)")(
        "runtime", po::value(&fio.runtime_seconds)->default_value(fio.runtime_seconds),
        "fio runtime in seconds")("ioengine", po::value(&fio.ioengine)->default_value(fio.ioengine),
                                  "fio ioengine")("no-direct", po::bool_switch(&no_direct),
                                                  "buffered I/O (direct=0), e.g. for tmpfs")(
        "rate", po::value(&rate)->default_value(rate),
        "off (flat out) | mean | peak: replay the measured IOPS with rate_iops")(
        "per-disk", po::bool_switch(&per_disk), "also write one fio job per disk")(
        "show-disks", po::value(&show_disks)->default_value(show_disks),
        "per-disk sections in the printed summary: the N busiest disks, or all")(
        "csv", po::value(&csv_path)->implicit_value(""),
        "tidy long-format CSV export (--csv=PATH for another path)")(
        "ndjson", po::value(&ndjson_path)->implicit_value(""),
        "k6-compatible NDJSON export (--ndjson=PATH for another path)")(
        "visualize", po::bool_switch(&visualize),
        "draw 3D histogram surfaces and time series (gnuplot) into ANALYSIS_DIR/charts")(
        "format", po::value(&format)->default_value(format), "chart format: png | svg")(
        "report", po::value(&report_path)->implicit_value(""),
        "self-contained HTML report in ANALYSIS_DIR/report.html (--report=PATH for another path)")(
        "interval", po::value(&interval),
        "CSV inputs: seconds each print covers (default: inferred)")(
        "cumulative", po::bool_switch(&cumulative),
        "CSV inputs: prints are cumulative (default: detected)")(
        "name", po::value(&name), "CSV inputs: name of the job to create")(
        "inputs", po::value(&inputs), "job, job directory or CSV files");
    po::positional_options_description pos;
    pos.add("inputs", -1);
    po::variables_map vm;
    if (!parse_subcommand(ctx, kAnalyzeUsage, desc, pos, vm)) return exit_code::ok;
    if (inputs.empty()) throw UsageError("analyze needs a JOB, a job directory or CSV files");
    const AnalyzeOptions opt = analysis.resolve(vm);
    const auto rm = rate_mode_from_string(rate);
    if (!rm) throw UsageError(fmt::format("--rate '{}' is not off, mean or peak", rate));
    fio.rate = *rm;
    fio.direct = !no_direct;
    const auto image_format = image_format_from_string(format);
    if (!image_format) throw UsageError(fmt::format("--format '{}' is not png or svg", format));
    std::size_t shown_disks = 0;
    if (show_disks == "all")
        shown_disks = std::numeric_limits<std::size_t>::max();
    else if (!text::parse_int(show_disks, shown_disks))
        throw UsageError(
            fmt::format("--show-disks '{}' is not a number of disks or 'all'", show_disks));
    fio.target = fio_filename(fio.target);
    if (!fio.size.empty()) check_fio_size(fio.size);
    if (auto why = limits::out_of_range(fio.runtime_seconds, limits::kFioRuntime))
        throw UsageError("--runtime " + *why);

    std::vector<std::string> notes;
    const auto job_path = job_to_analyze(ctx, inputs, {interval, cumulative, name}, notes);
    const JobDir dir(job_path);
    const auto meta = dir.load_meta();
    if (!ctx.json)
        std::cout << fmt::format("Analyzing job: {}\nData directory: {}\n", meta.job_id,
                                 job_path.string());

    app::AnalyzeRequest request;
    request.analysis = opt;
    request.fio = fio;
    request.per_disk_fio = per_disk;
    request.out_dir = output_dir;
    request.fio_path = output;
    if (vm.count("csv")) request.csv_path = csv_path;
    if (vm.count("ndjson")) request.ndjson_path = ndjson_path;
    if (vm.count("format") && !vm["format"].defaulted() && !visualize && !vm.count("report"))
        std::cerr << fmt::format(
            "Warning: --format {} has no effect without --visualize or --report (charts are "
            "drawn only for those)\n",
            format);
    request.charts = visualize;
    request.image_format = *image_format;
    if (vm.count("report")) request.report_path = report_path;
    request.notes = std::move(notes);
    const auto outcome = app::analyze_to_outputs(dir, meta, request).value();

    if (ctx.json) {
        write_summary_json(std::cout, outcome.result, outcome.outputs, false);
        std::cout << "\n";
    } else {
        std::cout << human_summary(outcome.result, shown_disks, meta.job_id);
        std::cout << "\nOutput files:\n";
        for (const auto& [k, v] : outcome.outputs)
            std::cout << fmt::format("  {:<8} {}\n", k + ":", v);
    }
    return outcome.result.samples_total == 0 ? exit_code::bad_data : exit_code::ok;
}

}  // namespace vscsi
