#include <boost/json.hpp>
#include <fmt/core.h>

#include <iostream>

#include "cli/command_context.hpp"
#include "cli/exit_codes.hpp"
#include "cli/subcommand_options.hpp"
#include "job/csv_import.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace po = boost::program_options;

namespace {
constexpr const char* kImportUsage = R"(Usage: vscsi import FILE.csv... --interval SECONDS [options]

Makes a job from `vscsiStats -p all -c` output files collected by hand, one file
per sample, in time order. vscsiStats counters are cumulative since the
collection was started (-s) or reset (-r): if you reset after each print, each
file is one interval (the default); if the counters kept running, pass
--cumulative and vscsi takes the differences between successive files.)";
}

int run_import(const CommandContext& ctx) {
    ImportOptions o;
    std::vector<std::string> files, tags;
    std::string start;
    po::options_description desc("import options");
    desc.add_options()
        ("interval", po::value(&o.interval_seconds)->required(), "seconds each file covers")
        ("name", po::value(&o.name), "job name (default import-YYYYmmdd-HHMMSS)")
        ("cumulative", po::bool_switch(&o.cumulative), "files are successive cumulative prints")
        ("start", po::value(&start), "start of the first interval, ISO 8601 (default: first file's mtime - interval)")
        ("host", po::value(&o.host), "ESXi host the files came from (for reports)")
        ("vm", po::value(&o.vm), "VM name (for reports)")
        ("tag", po::value(&tags)->composing(), "KEY=VALUE label, repeatable")
        ("files", po::value(&files), "input files");
    po::positional_options_description pos;
    pos.add("files", -1);
    po::variables_map vm;
    if (!parse_subcommand(ctx, kImportUsage, desc, pos, vm)) return exit_code::ok;
    for (const auto& f : files) {
        if (!std::filesystem::is_regular_file(f)) throw NotFoundError(fmt::format("no such file: {}", f));
        o.files.emplace_back(f);
    }
    if (!start.empty()) {
        o.start = parse_iso8601(start);
        if (!o.start) throw UsageError(fmt::format("--start '{}' is not ISO 8601 (e.g. 2026-01-31T12:00:00Z)", start));
    }
    o.tags = parse_tags(tags);
    o.data_dir = ctx.data_dir;
    const auto r = import_csv_files(o);
    if (ctx.json) {
        boost::json::array warnings;
        for (const auto& w : r.warnings) warnings.emplace_back(w);
        std::cout << compact_json(boost::json::object{{"job_id", r.job_id},
                                                      {"path", r.dir.string()},
                                                      {"samples", r.samples},
                                                      {"warnings", std::move(warnings)}})
                  << "\n";
    } else {
        for (const auto& w : r.warnings) std::cerr << "Warning: " << w << "\n";
        std::cout << fmt::format("Imported {} sample(s) into job '{}' at {}\nNext: vscsi analyze {}\n",
                                 r.samples, r.job_id, r.dir.string(), r.job_id);
    }
    return exit_code::ok;
}

}  // namespace vscsi
