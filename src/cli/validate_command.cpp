#include <fmt/core.h>
#include <sys/stat.h>

#include <algorithm>
#include <iostream>

#include "analysis/fidelity_score.hpp"
#include "app/fio_import.hpp"
#include "app/job_analysis.hpp"
#include "cli/analysis_cli_options.hpp"
#include "cli/command_context.hpp"
#include "cli/exit_codes.hpp"
#include "cli/subcommand_options.hpp"
#include "format/value_limits.hpp"
#include "job/job_dir.hpp"
#include "report/fidelity_report.hpp"
#include "report/fio_job.hpp"
#include "util/file_io.hpp"
#include "util/json_text.hpp"
#include "util/subprocess.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kValidateUsage =
    R"(Usage: vscsi validate JOB [--target FILE|DEV] [--size 1G] [--runtime 30] [options]

Closes the loop: runs the job's fio job (replaying the measured IOPS) with
per-I/O logging, re-measures the run with the same histograms vscsiStats uses,
and scores it against the profile it came from. Exit 0 when every scored figure
is within tolerance, 6 when not, 1 when fio fails. Everything the run produced
(job file, fio's JSON, logs, the re-measured job, validation.json) stays in
JOB/validation/RUN/.)";

bool is_block_device(const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISBLK(st.st_mode);
}

std::string fio_program() {
    const char* env = std::getenv("VSCSI_FIO");
    return env && *env ? env : "fio";
}

}  // namespace

int run_validate(const CommandContext& ctx) {
    std::string job, target, rate = "mean";
    AnalysisCliOptions analysis;
    FioParams fio;
    fio.max_derived_size = std::int64_t{1} << 30;  // laid out in the run directory
    fio.runtime_seconds = 30;
    bool no_direct = false, strict = false, allow_device = false, keep_target = false;
    double interval = 0;
    FidelityTolerances tol;
    po::options_description desc("validate options");
    analysis.add_to(desc);
    desc.add_options()(
        "target", po::value(&target),
        "file or device fio works on (default: a file in the run directory, removed after)")(
        "size", po::value(&fio.size),
        "fio size (default: the span the measured random seeks cover, 16M-1G; 1G when too few)")(
        "runtime", po::value(&fio.runtime_seconds)->default_value(fio.runtime_seconds),
        "seconds fio runs")("ioengine", po::value(&fio.ioengine)->default_value(fio.ioengine),
                            "fio ioengine")("no-direct", po::bool_switch(&no_direct),
                                            "buffered I/O (direct=0), e.g. for tmpfs")(
        "rate", po::value(&rate)->default_value(rate),
        "mean | peak: replay that IOPS (scored); off: flat out (IOPS not scored)")(
        "interval", po::value(&interval),
        "seconds per re-measured sample (default: a twentieth of the run)")(
        "strict", po::bool_switch(&strict), "also score the interarrival distribution")(
        "max-size-tvd",
        po::value(&tol.size_tvd)->default_value(tol.size_tvd, fmt::format("{:g}", tol.size_tvd)),
        "tolerance: IO-size distribution per direction (TVD)")(
        "max-read-points",
        po::value(&tol.read_points)
            ->default_value(tol.read_points, fmt::format("{:g}", tol.read_points)),
        "tolerance: read share (points)")(
        "max-size-dev",
        po::value(&tol.mean_size_rel)
            ->default_value(tol.mean_size_rel, fmt::format("{:g}", tol.mean_size_rel)),
        "tolerance: mean IO size per direction (fraction)")(
        "max-sequential-points",
        po::value(&tol.sequential_points)
            ->default_value(tol.sequential_points, fmt::format("{:g}", tol.sequential_points)),
        "tolerance: sequential share per direction (points)")(
        "max-outstanding-dev",
        po::value(&tol.outstanding_rel)
            ->default_value(tol.outstanding_rel, fmt::format("{:g}", tol.outstanding_rel)),
        "tolerance: mean outstanding IOs, whole disk and per direction (fraction)")(
        "max-shape-tvd",
        po::value(&tol.shape_tvd)->default_value(tol.shape_tvd, fmt::format("{:g}", tol.shape_tvd)),
        "tolerance: seek-distance and outstanding-IO distributions per direction (TVD)")(
        "max-iops-dev",
        po::value(&tol.iops_rel)->default_value(tol.iops_rel, fmt::format("{:g}", tol.iops_rel)),
        "tolerance: IOPS per direction when rate-limited (fraction)")(
        "max-interarrival-tvd",
        po::value(&tol.interarrival_tvd)
            ->default_value(tol.interarrival_tvd, fmt::format("{:g}", tol.interarrival_tvd)),
        "tolerance: interarrival distribution (TVD, scored with --strict)")(
        "allow-device-writes", po::bool_switch(&allow_device),
        "let fio write to a block device (destroys its data)")(
        "keep-target", po::bool_switch(&keep_target), "keep the default target file after the run")(
        "job", po::value(&job), "the job to validate");
    po::positional_options_description pos;
    pos.add("job", 1);
    po::variables_map vm;
    if (!parse_subcommand(ctx, kValidateUsage, desc, pos, vm)) return exit_code::ok;
    if (job.empty()) throw UsageError("validate needs a JOB");
    const auto opt = analysis.resolve(vm);
    const auto rm = rate_mode_from_string(rate);
    if (!rm) throw UsageError(fmt::format("--rate '{}' is not off, mean or peak", rate));
    fio.rate = *rm;
    fio.direct = !no_direct;
    if (!fio.size.empty()) check_fio_size(fio.size);
    if (auto why = limits::out_of_range(fio.runtime_seconds, limits::kFioRuntime))
        throw UsageError("--runtime " + *why);
    for (double t : {tol.size_tvd, tol.read_points, tol.mean_size_rel, tol.sequential_points,
                     tol.outstanding_rel, tol.shape_tvd, tol.iops_rel, tol.interarrival_tvd})
        if (!(t >= 0)) throw UsageError("tolerances must be >= 0");

    const auto path = resolve_job(job, ctx.data_dir);
    if (!path) throw UserError(job_not_found(job, ctx.data_dir));
    const JobDir dir(*path);
    const auto meta = dir.load_meta();
    const auto measured = app::analyze_job(dir, meta, opt);
    if (measured.total.idle())
        throw std::runtime_error(
            fmt::format("job '{}' has no I/O in its analyzed samples: nothing to validate "
                        "(try --filter none)",
                        meta.job_id));

    // Runs started in the same second get -2, -3 ...: each keeps its own folder.
    fs::path run_dir;
    if (auto ec =
            create_unique_directory(*path / "validation", format_compact_utc(now_ms()), run_dir))
        throw std::runtime_error(fmt::format("cannot create a run folder in {}: {}",
                                             (*path / "validation").string(), ec.message()));
    const bool default_target = target.empty();
    std::error_code ec;
    const fs::path target_path = default_target ? run_dir / "target.dat" : fs::path(target);
    if (!default_target) {
        if (is_block_device(target_path) && !allow_device)
            throw UsageError(
                fmt::format("{} is a block device: the fio job writes to it and destroys its data; "
                            "pass --allow-device-writes if that is intended",
                            target_path.string()));
        if (fs::is_regular_file(target_path) && fs::file_size(target_path, ec) > 0 && !allow_device)
            throw UsageError(
                fmt::format("{} exists and fio would overwrite it; remove it, name a new file, or "
                            "pass --allow-device-writes",
                            target_path.string()));
    }
    std::string escaped;
    for (char c : target_path.string()) {
        if (c == ':') escaped += '\\';
        escaped += c;
    }
    fio.target = escaped;
    fio.log_prefix = (run_dir / "run").string();
    const auto job_file = run_dir / (meta.job_id + ".fio");
    const auto spec =
        derive_fio_job({meta.job_id, "validation run", &measured, &measured.total}, fio).value();
    write_output_file(job_file.string(), render_fio_job(spec));

    if (!ctx.json)
        std::cout << fmt::format("Validating job {}: running {} for {} s on {}{}\n", meta.job_id,
                                 job_file.string(), fio.runtime_seconds, target_path.string(),
                                 fio.rate == RateMode::off ? " (flat out)"
                                                           : fmt::format(" (replaying the {} IOPS)",
                                                                         to_string(fio.rate)));
    const auto fio_json = run_dir / "fio.json";
    const auto run = run_process(
        {fio_program(), "--output-format=json", "--output=" + fio_json.string(), job_file.string()},
        {}, std::chrono::seconds(fio.runtime_seconds + 300));
    if (default_target && !keep_target) fs::remove(target_path, ec);
    if (!run)
        throw std::runtime_error(fmt::format("cannot run {}: {} (install fio: apt-get install fio)",
                                             fio_program(), run.error().message()));
    if (!run->ok()) {
        auto err = run->err;
        while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
        throw std::runtime_error(
            fmt::format("fio failed (exit {}{}): {}\nThe job file is {}; on tmpfs or file systems "
                        "without O_DIRECT pass --no-direct",
                        run->exit_code, run->timed_out ? ", timed out" : "",
                        err.empty() ? "no message" : err, job_file.string()));
    }

    FioImportOptions imp;
    // One iolog and one _lat log per job section (two when reads and writes
    // run as separate sections).
    for (const auto& e : fs::directory_iterator(run_dir)) {
        const auto n = e.path().filename().string();
        if (n.starts_with("run.") && n.ends_with(".iolog")) imp.files.push_back(e.path());
        if (n.starts_with("run_lat.") && n.ends_with(".log")) imp.files.push_back(e.path());
    }
    std::sort(imp.files.begin(), imp.files.end());
    imp.interval_seconds = interval;
    imp.name = "synthetic";
    imp.data_dir = run_dir;
    imp.keep_raw = false;
    imp.tags = {{"validates", meta.job_id}};
    const auto imported = import_fio_logs(imp).value();
    AnalyzeOptions all;
    all.filter = {FilterMethod::none, std::nullopt};
    all.percentile_method = opt.percentile_method;
    const JobDir synth_dir(imported.dir);
    const auto synthetic = app::analyze_job(synth_dir, synth_dir.load_meta(), all);

    const auto score =
        score_fidelity(measured.total, synthetic.total,
                       {fio.rate != RateMode::off, strict, spec.seek_span_missed}, tol);
    auto report = fidelity_to_json(score);
    report["job_id"] = meta.job_id;
    report["run_dir"] = run_dir.string();
    report["fio_job"] = job_file.string();
    report["synthetic_job"] = imported.dir.string();
    report["runtime_seconds"] = fio.runtime_seconds;
    report["rate"] = to_string(fio.rate);
    boost::json::array warnings;
    for (const auto& w : imported.warnings) warnings.emplace_back(w);
    report["warnings"] = std::move(warnings);
    boost::json::array jobs;
    for (const auto& n : imported.notes) jobs.emplace_back(n);
    report["merged_jobs"] = std::move(jobs);
    write_output_file((run_dir / "validation.json").string(), pretty_json(report));
    if (ctx.json) {
        std::cout << compact_json(report) << "\n";
    } else {
        for (const auto& w : imported.warnings) std::cerr << "Warning: " << w << "\n";
        for (const auto& n : imported.notes) std::cout << "Re-measured " << n << "\n";
        std::cout << fmt::format("Re-measured {} samples of the run ({} IOPS)\n\n",
                                 synthetic.samples_total,
                                 fmt::format("{:.1f}", synthetic.total.iops.total));
        std::cout << human_fidelity(score);
        std::cout << fmt::format("\nRun directory: {}\nCompare in full: vscsi compare {} {}\n",
                                 run_dir.string(), path->string(), imported.dir.string());
    }
    return score.pass ? exit_code::ok : exit_code::out_of_tolerance;
}

}  // namespace vscsi
