#include "app/analyze_outputs.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <memory>

#include "analysis/sample_series.hpp"
#include "app/errors.hpp"
#include "app/job_analysis.hpp"
#include "chart/job_charts.hpp"
#include "report/csv_export.hpp"
#include "report/html_report.hpp"
#include "report/ndjson_export.hpp"
#include "report/summary_json.hpp"
#include "util/error.hpp"
#include "util/file_io.hpp"
#include "util/json_text.hpp"
#include "util/streamed_file.hpp"

namespace vscsi::app {
namespace fs = std::filesystem;

namespace {

// A job read from a read-only place (a checkout, a share) is still analyzable: say how.
[[noreturn]] void cannot_write(std::string_view what, const fs::path& path, int err,
                               const std::string& message) {
    const bool no_access = err == EACCES || err == EPERM || err == EROFS;
    throw UserError(Error{ErrorKind::failure,
                          fmt::format("cannot {} {}: {}", what, path.string(), message),
                          no_access ? "write the outputs elsewhere with --output-dir DIR" : ""});
}

void write_output(const fs::path& path, std::string_view content) {
    if (auto ec = write_file_atomic(path, content))
        cannot_write("write", path, ec.value(), ec.message());
}

void make_dir(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) cannot_write("create", dir, ec.value(), ec.message());
}

std::string fio_job_text(const JobMeta& meta, const std::string& scope,
                         const AnalysisResult& result, const WorkloadMetrics& metrics,
                         const FioParams& fio) {
    return render_fio_job(derive_fio_job({meta.job_id, scope, &result, &metrics}, fio).value());
}

AnalyzeOutcome analyze_or_throw(const JobDir& dir, const JobMeta& meta, const AnalyzeRequest& r) {
    const fs::path out_dir = r.out_dir.empty() ? dir.analysis_dir() : r.out_dir;
    make_dir(out_dir);

    // Exports stream every sample during the analysis' second pass.
    std::unique_ptr<StreamedFile> csv_file, nd_file;
    std::unique_ptr<CsvExporter> csv;
    std::unique_ptr<NdjsonExporter> nd;
    std::unique_ptr<SampleSeriesCollector> series;
    std::vector<SampleObserver*> observers;
    if (r.csv_path) {
        csv_file = std::make_unique<StreamedFile>(r.csv_path->empty() ? out_dir / "histograms.csv"
                                                                      : fs::path(*r.csv_path));
        csv = std::make_unique<CsvExporter>(csv_file->stream(), meta.job_id);
        observers.push_back(csv.get());
    }
    if (r.ndjson_path) {
        nd_file = std::make_unique<StreamedFile>(r.ndjson_path->empty() ? out_dir / "metrics.ndjson"
                                                                        : fs::path(*r.ndjson_path));
        nd = std::make_unique<NdjsonExporter>(
            nd_file->stream(), meta,
            fmt::format("{}@{}", meta.job_id, format_compact_utc(now_ms())));
        observers.push_back(nd.get());
    }
    if (r.charts || r.report_path) {
        series = std::make_unique<SampleSeriesCollector>();
        observers.push_back(series.get());
    }

    AnalyzeOutcome o;
    auto& result = o.result;
    result = analyze_job(dir, meta, r.analysis, observers);
    result.warnings.insert(result.warnings.begin(), r.notes.rbegin(), r.notes.rend());

    // Charts first: a missing gnuplot becomes a warning in every output.
    std::vector<RenderedChart> charts;
    std::vector<std::string> chart_problems;
    if (series) {
        charts = render_charts(job_chart_specs(result, *series, r.image_format), r.image_format,
                               chart_problems);
        for (const auto& p : chart_problems) result.warnings.push_back(p);
    }
    if (r.charts && !charts.empty()) {
        const auto chart_dir = out_dir / "charts";
        make_dir(chart_dir);
        for (const auto& c : charts)
            write_output(chart_dir / (c.spec.name + "." + std::string(extension(c.format))),
                         c.image);
        o.outputs["charts"] = fmt::format("{} ({} files)", chart_dir.string(), charts.size());
    }
    if (csv_file) {
        csv_file->commit();
        o.outputs["csv"] = csv_file->path().string();
    }
    if (nd_file) {
        nd_file->commit();
        o.outputs["ndjson"] = nd_file->path().string();
    }

    std::string fio_text, fio_path;
    if (!result.total.idle()) {
        fio_path = r.fio_path.empty() ? (out_dir / (meta.job_id + ".fio")).string() : r.fio_path;
        const auto scope =
            fmt::format("all {} disk{}", result.disks.size(), result.disks.size() == 1 ? "" : "s");
        fio_text = fio_job_text(meta, scope, result, result.total, r.fio);
        write_output(fio_path, fio_text);
        o.outputs["fio"] = fio_path;
        for (const auto& d : r.per_disk_fio ? result.disks : std::vector<DiskResult>{}) {
            if (d.metrics.idle()) continue;
            std::string label =
                d.disk.label.empty() ? std::to_string(d.disk.handle_id) : d.disk.label;
            for (auto& c : label)
                if (c == ':') c = '_';
            const auto p =
                out_dir / fmt::format("{}-wg{}-{}.fio", meta.job_id, d.disk.world_group_id, label);
            write_output(p, fio_job_text(meta, d.disk.display(), result, d.metrics, r.fio));
            o.outputs["fio." + d.disk.label + "." + std::to_string(d.disk.handle_id)] = p.string();
        }
    }
    if (r.report_path) {
        const auto path =
            r.report_path->empty() ? (out_dir / "report.html").string() : *r.report_path;
        write_output(path, render_job_report({&result, &meta, std::move(charts), chart_problems,
                                              fio_text, fio_path}));
        o.outputs["report"] = path;
    }
    const auto summary_path = (out_dir / "summary.json").string();
    o.outputs["summary"] = summary_path;
    StreamedFile summary(summary_path);
    write_summary_json(summary.stream(), result, o.outputs, true);
    summary.commit();
    return o;
}

}  // namespace

Result<AnalyzeOutcome> analyze_to_outputs(const JobDir& dir, const JobMeta& meta,
                                          const AnalyzeRequest& request) {
    return result_of([&] { return analyze_or_throw(dir, meta, request); });
}

}  // namespace vscsi::app
