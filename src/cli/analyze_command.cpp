#include <fmt/core.h>

#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <memory>

#include "analysis/job_analysis.hpp"
#include "analysis/sample_series.hpp"
#include "app/csv_import.hpp"
#include "app/job_analysis.hpp"
#include "chart/job_charts.hpp"
#include "cli/analysis_cli_options.hpp"
#include "cli/command_context.hpp"
#include "cli/exit_codes.hpp"
#include "cli/subcommand_options.hpp"
#include "report/csv_export.hpp"
#include "report/fio_job.hpp"
#include "report/html_report.hpp"
#include "report/human_summary.hpp"
#include "report/ndjson_export.hpp"
#include "report/summary_json.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kAnalyzeUsage = R"(Usage: vscsi analyze JOB|DIR [options]
       vscsi analyze FILE.csv... --interval SECONDS [options]

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

void check_fio_size(const std::string& size) {
    // fio sizes: digits with an optional k/m/g/t/p suffix (optionally 'i' and/or 'b'), or a
    // percentage.
    std::size_t i = 0;
    while (i < size.size() && std::isdigit(static_cast<unsigned char>(size[i]))) ++i;
    std::string suffix = size.substr(i);
    for (auto& c : suffix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const std::initializer_list<std::string_view> ok = {
        "",    "k",   "m",   "g",   "t",  "p",  "kb", "mb", "gb", "tb",
        "kib", "mib", "gib", "tib", "ki", "mi", "gi", "ti", "%"};
    bool good = i > 0;
    if (good) {
        good = false;
        for (auto s : ok) good = good || suffix == s;
    }
    if (!good)
        throw UsageError(
            fmt::format("--size '{}' is not a fio size such as 10G, 512M or 100%", size));
}

// Streams an export to PATH.tmp and renames it into place when done.
class ExportFile {
  public:
    explicit ExportFile(fs::path path) : path_(std::move(path)), tmp_(path_.string() + ".tmp") {
        out_.open(tmp_, std::ios::binary | std::ios::trunc);
        if (!out_) throw std::runtime_error(fmt::format("cannot write {}", tmp_.string()));
    }
    std::ostream& stream() { return out_; }
    void commit() {
        out_.close();
        if (!out_) throw std::runtime_error(fmt::format("cannot write {}", tmp_.string()));
        fs::rename(tmp_, path_);
    }
    ~ExportFile() {
        if (out_.is_open()) {
            out_.close();
            std::error_code ec;
            fs::remove(tmp_, ec);
        }
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_, tmp_;
    std::ofstream out_;
};

}  // namespace

int run_analyze(const CommandContext& ctx) {
    std::vector<std::string> inputs;
    AnalysisCliOptions analysis;
    std::string rate = "off";
    std::string output, output_dir, csv_path, ndjson_path, name, report_path, format = "png";
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
        "size", po::value(&fio.size)->default_value(fio.size), "fio size (e.g. 10G)")(
        "runtime", po::value(&fio.runtime_seconds)->default_value(fio.runtime_seconds),
        "fio runtime in seconds")("ioengine", po::value(&fio.ioengine)->default_value(fio.ioengine),
                                  "fio ioengine")("no-direct", po::bool_switch(&no_direct),
                                                  "buffered I/O (direct=0), e.g. for tmpfs")(
        "rate", po::value(&rate)->default_value(rate),
        "off (flat out) | mean | peak: replay the measured IOPS with rate_iops")(
        "per-disk", po::bool_switch(&per_disk), "also write one fio job per disk")(
        "csv", po::value(&csv_path)->implicit_value(""), "tidy long-format CSV export [PATH]")(
        "ndjson", po::value(&ndjson_path)->implicit_value(""),
        "k6-compatible NDJSON export [PATH]")(
        "visualize", po::bool_switch(&visualize),
        "draw 3D histogram surfaces and time series (gnuplot) into ANALYSIS_DIR/charts")(
        "format", po::value(&format)->default_value(format), "chart format: png | svg")(
        "report", po::value(&report_path)->implicit_value(""),
        "self-contained HTML report [PATH] (default ANALYSIS_DIR/report.html)")(
        "interval", po::value(&interval), "CSV inputs: seconds each file covers")(
        "cumulative", po::bool_switch(&cumulative),
        "CSV inputs: files are successive cumulative prints")(
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
    const bool want_report = vm.count("report") > 0;
    fio.target = fio_filename(fio.target);
    check_fio_size(fio.size);
    if (fio.runtime_seconds == 0) throw UsageError("--runtime must be at least 1 second");

    // Resolve the job: an existing job, or CSV files to import first.
    fs::path job_path;
    std::vector<std::string> notes;
    if (inputs.size() == 1 && !fs::is_regular_file(inputs[0])) {
        auto p = resolve_job(inputs[0], ctx.data_dir);
        if (!p)
            throw NotFoundError(
                fmt::format("no job '{}' (not a job directory, and not in {}); "
                            "list the data directory or pass the job's path",
                            inputs[0], jobs_dir(ctx.data_dir).string()));
        job_path = *p;
    } else {
        ImportOptions io;
        for (const auto& f : inputs) {
            if (!fs::is_regular_file(f)) throw NotFoundError(fmt::format("no such file: {}", f));
            io.files.emplace_back(f);
        }
        if (!(interval > 0))
            throw UsageError("CSV input needs --interval SECONDS: the time each file covers");
        io.interval_seconds = interval;
        io.cumulative = cumulative;
        io.name = name;
        io.data_dir = ctx.data_dir;
        const auto imported = import_csv_files(io).value();
        for (const auto& w : imported.warnings) notes.push_back(w);
        job_path = imported.dir;
        if (!ctx.json)
            std::cout << fmt::format("Imported {} CSV file(s) as job '{}'\n", imported.samples,
                                     imported.job_id);
    }

    const JobDir dir(job_path);
    const auto meta = dir.load_meta();
    const fs::path out_dir = output_dir.empty() ? dir.analysis_dir() : fs::path(output_dir);
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec)
        throw std::runtime_error(
            fmt::format("cannot create {}: {}", out_dir.string(), ec.message()));

    if (!ctx.json)
        std::cout << fmt::format("Analyzing job: {}\nData directory: {}\n", meta.job_id,
                                 job_path.string());

    std::unique_ptr<ExportFile> csv_file, nd_file;
    std::unique_ptr<CsvExporter> csv;
    std::unique_ptr<NdjsonExporter> nd;
    std::vector<SampleObserver*> observers;
    const auto run_id = fmt::format("{}@{}", meta.job_id, format_compact_utc(now_ms()));
    if (vm.count("csv")) {
        csv_file = std::make_unique<ExportFile>(csv_path.empty() ? out_dir / "histograms.csv"
                                                                 : fs::path(csv_path));
        csv = std::make_unique<CsvExporter>(csv_file->stream(), meta.job_id);
        observers.push_back(csv.get());
    }
    if (vm.count("ndjson")) {
        nd_file = std::make_unique<ExportFile>(ndjson_path.empty() ? out_dir / "metrics.ndjson"
                                                                   : fs::path(ndjson_path));
        nd = std::make_unique<NdjsonExporter>(nd_file->stream(), meta, run_id);
        observers.push_back(nd.get());
    }

    std::unique_ptr<SampleSeriesCollector> series;
    if (visualize || want_report) {
        series = std::make_unique<SampleSeriesCollector>();
        observers.push_back(series.get());
    }

    auto result = app::analyze_job(dir, meta, opt, observers);
    for (auto& n : notes) result.warnings.insert(result.warnings.begin(), n);

    // Charts first: a missing gnuplot becomes a warning in every output.
    std::vector<RenderedChart> charts;
    std::vector<std::string> chart_problems;
    if (series) {
        charts = render_charts(job_chart_specs(result, *series, *image_format), *image_format,
                               chart_problems);
        for (const auto& p : chart_problems) result.warnings.push_back(p);
    }

    std::map<std::string, std::string> outputs;
    if (visualize && !charts.empty()) {
        const auto chart_dir = out_dir / "charts";
        fs::create_directories(chart_dir, ec);
        if (ec)
            throw std::runtime_error(
                fmt::format("cannot create {}: {}", chart_dir.string(), ec.message()));
        for (const auto& c : charts)
            write_output_file(
                (chart_dir / (c.spec.name + "." + std::string(extension(c.format)))).string(),
                c.image);
        outputs["charts"] = fmt::format("{} ({} files)", chart_dir.string(), charts.size());
    }
    if (csv_file) {
        csv_file->commit();
        outputs["csv"] = csv_file->path().string();
    }
    if (nd_file) {
        nd_file->commit();
        outputs["ndjson"] = nd_file->path().string();
    }
    std::string fio_text, fio_path;
    if (!result.total.idle()) {
        fio_path = output.empty() ? (out_dir / (meta.job_id + ".fio")).string() : output;
        const auto scope =
            fmt::format("all {} disk{}", result.disks.size(), result.disks.size() == 1 ? "" : "s");
        fio_text = render_fio_job(
            derive_fio_job({meta.job_id, scope, &result, &result.total}, fio).value());
        write_output_file(fio_path, fio_text);
        outputs["fio"] = fio_path;
        if (per_disk) {
            for (const auto& d : result.disks) {
                if (d.metrics.idle()) continue;
                std::string label =
                    d.disk.label.empty() ? std::to_string(d.disk.handle_id) : d.disk.label;
                for (auto& c : label)
                    if (c == ':') c = '_';
                const auto p = (out_dir / fmt::format("{}-wg{}-{}.fio", meta.job_id,
                                                      d.disk.world_group_id, label))
                                   .string();
                write_output_file(
                    p, render_fio_job(
                           derive_fio_job({meta.job_id, d.disk.display(), &result, &d.metrics}, fio)
                               .value()));
                outputs["fio." + d.disk.label + "." + std::to_string(d.disk.handle_id)] = p;
            }
        }
    }
    if (want_report) {
        const auto path = report_path.empty() ? (out_dir / "report.html").string() : report_path;
        write_output_file(path, render_job_report({&result, &meta, std::move(charts),
                                                   chart_problems, fio_text, fio_path}));
        outputs["report"] = path;
    }
    const auto summary_path = (out_dir / "summary.json").string();
    outputs["summary"] = summary_path;
    const auto summary = summary_to_json(result, outputs);
    write_output_file(summary_path, pretty_json(summary));

    if (ctx.json) {
        std::cout << compact_json(summary) << "\n";
    } else {
        std::cout << human_summary(result);
        std::cout << "\nOutput files:\n";
        for (const auto& [k, v] : outputs) std::cout << fmt::format("  {:<8} {}\n", k + ":", v);
    }
    return result.samples_total == 0 ? exit_code::bad_data : exit_code::ok;
}

}  // namespace vscsi
