#include <fmt/core.h>

#include <iostream>

#include "analysis/job_comparison.hpp"
#include "app/job_analysis.hpp"
#include "chart/job_charts.hpp"
#include "cli/analysis_cli_options.hpp"
#include "cli/command_context.hpp"
#include "cli/exit_codes.hpp"
#include "cli/subcommand_options.hpp"
#include "job/job_dir.hpp"
#include "report/comparison_report.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kCompareUsage = R"(Usage: vscsi compare JOB_A JOB_B [options]

Analyzes both jobs the same way (same idle filter and percentile method) and
shows every profile figure side by side with its change from A to B, how far
each histogram's shape moved, and a list of what changed, largest first:
before/after a storage change, or one VM against another. Nothing is written
into the jobs; --report writes one self-contained HTML file.)";

struct LoadedJob {
    JobMeta meta;
    AnalysisResult result;
};

LoadedJob load(const std::string& name, const CommandContext& ctx, const AnalyzeOptions& opt) {
    const auto p = resolve_job(name, ctx.data_dir);
    if (!p) throw UserError(job_not_found(name, ctx.data_dir));
    const JobDir dir(*p);
    LoadedJob j{dir.load_meta(), {}};
    j.result = app::analyze_job(dir, j.meta, opt);
    return j;
}

std::string safe_name(std::string s) {
    for (auto& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            c = '_';
    return s;
}

}  // namespace

int run_compare(const CommandContext& ctx) {
    std::vector<std::string> jobs;
    AnalysisCliOptions analysis;
    std::string report_path, format = "png";
    po::options_description desc("compare options");
    analysis.add_to(desc);
    desc.add_options()(
        "report", po::value(&report_path)->implicit_value(""),
        "self-contained HTML report ./compare-A-vs-B.html (--report=PATH for another path)")(
        "format", po::value(&format)->default_value(format),
        "chart format in the report: png | svg")("jobs", po::value(&jobs), "the two jobs");
    po::positional_options_description pos;
    pos.add("jobs", -1);
    po::variables_map vm;
    if (!parse_subcommand(ctx, kCompareUsage, desc, pos, vm)) return exit_code::ok;
    if (jobs.size() != 2)
        throw UsageError(fmt::format("compare needs exactly two jobs (got {})", jobs.size()));
    const auto image_format = image_format_from_string(format);
    if (!image_format) throw UsageError(fmt::format("--format '{}' is not png or svg", format));
    const auto opt = analysis.resolve(vm);

    const auto a = load(jobs[0], ctx, opt);
    const auto b = load(jobs[1], ctx, opt);
    const ComparedJob ca{&a.result, &a.meta}, cb{&b.result, &b.meta};
    const auto comparison = compare_profiles(a.result.total, b.result.total);

    std::string written;
    if (vm.count("report")) {
        ComparisonReportInput in{ca, cb, &comparison, {}, {}};
        in.charts = render_charts(comparison_chart_specs(ca, cb, *image_format), *image_format,
                                  in.chart_problems);
        for (const auto& p : in.chart_problems) std::cerr << "Warning: " << p << "\n";
        written = report_path.empty()
                      ? fmt::format("compare-{}-vs-{}.html", safe_name(a.meta.job_id),
                                    safe_name(b.meta.job_id))
                      : report_path;
        write_output_file(written, render_comparison_report(in));
    }

    if (ctx.json) {
        auto o = comparison_to_json(ca, cb, comparison);
        if (!written.empty()) o["report"] = written;
        std::cout << compact_json(o) << "\n";
    } else {
        std::cout << human_comparison(ca, cb, comparison);
        if (!written.empty()) std::cout << "\nReport: " << written << "\n";
    }
    return exit_code::ok;
}

}  // namespace vscsi
