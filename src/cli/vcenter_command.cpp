// vscsi vcenter survey VC: the fleet's virtual disks ranked from vCenter's own
// counters, no SSH; then the one-liners that deep-profile the busiest.
#include <fmt/core.h>
#include <unistd.h>

#include <iostream>

#include "app/vcenter_survey.hpp"
#include "cli/command_context.hpp"
#include "cli/exit_codes.hpp"
#include "cli/subcommand_options.hpp"
#include "cli/vcenter_cli_options.hpp"
#include "report/fleet_survey_report.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace po = boost::program_options;

namespace {

constexpr const char* kVcenterHelp =
    "Usage: vscsi vcenter survey VC [options]\n\n"
    "Subcommands:\n"
    "  survey   rank every VM's virtual disks by vCenter's real-time counters (no SSH)\n";

// One status line on a terminal's stderr, rewritten in place; nothing otherwise.
class ProgressLine {
  public:
    ProgressLine() : tty_(::isatty(STDERR_FILENO) != 0) {}
    ~ProgressLine() { clear(); }
    void show(const std::string& s) {
        if (!tty_) return;
        std::cerr << "\r\033[K" << s << std::flush;
        shown_ = true;
    }
    void clear() {
        if (shown_) std::cerr << "\r\033[K" << std::flush;
        shown_ = false;
    }

  private:
    bool tty_;
    bool shown_ = false;
};

int run_survey(const CommandContext& ctx) {
    CommandContext sub = ctx;
    sub.args.erase(sub.args.begin());
    VcenterCliOptions vc;
    SurveyRequest req;
    std::string vc_name;
    std::size_t top = 5;
    bool csv = false;
    po::options_description desc("vcenter survey options");
    vc.add_to(desc);
    desc.add_options()("vc", po::value(&vc_name),
                       "vCenter (or ESXi host): NAME, NAME:PORT or https://NAME[:PORT]")(
        "vm", po::value(&req.filter.vm), "only VMs whose name matches this shell pattern ('SQL*')")(
        "cluster", po::value(&req.filter.cluster),
        "only VMs on hosts of clusters matching this pattern")(
        "folder", po::value(&req.filter.folder), "only VMs in folders matching this pattern")(
        "minutes", po::value(&req.minutes)->default_value(req.minutes),
        "minutes of real-time statistics to read (1-60: servers keep one hour)")(
        "top", po::value(&top)->default_value(top),
        "job start one-liners for this many of the busiest disks")(
        "csv", po::bool_switch(&csv), "one CSV row per disk instead of the table")(
        "batch", po::value(&req.vc.perf_batch)->default_value(req.vc.perf_batch),
        "VMs per QueryPerf call (vCenter's config.vpxd.stats.maxQueryMetrics may cap it)")(
        "page", po::value(&req.vc.page_objects)->default_value(req.vc.page_objects),
        "inventory objects per RetrievePropertiesEx page");
    po::positional_options_description pos;
    pos.add("vc", 1);
    po::variables_map vm;
    if (!parse_subcommand(
            sub,
            "Usage: vscsi vcenter survey VC [options]\n\nReads every VM and virtual disk from a "
            "vCenter "
            "(or one ESXi host's API) and the last minutes of their real-time virtualDisk counters "
            "in a "
            "few batched calls; prints them ranked, busiest first, with the vscsi job start "
            "commands "
            "that deep-profile the top ones. Needs a read-only role; the password comes from "
            "$VSCSI_VC_PASSWORD, --vc-password-file or --vc-ask-password.",
            desc, pos, vm))
        return exit_code::ok;
    if (vc_name.empty())
        throw UsageError("vcenter survey needs a VC (the vCenter's name or address)");
    if (req.minutes < 1 || req.minutes > 60)
        throw UsageError(fmt::format(
            "--minutes {}: real-time statistics are kept one hour; give 1 to 60", req.minutes));
    if (csv && ctx.json) throw UsageError("give --json or --csv, not both");
    if (req.vc.perf_batch < 1 || req.vc.perf_batch > 10000)
        throw UsageError("--batch: give 1 to 10000 VMs per call");
    if (req.vc.page_objects < 1 || req.vc.page_objects > 100000)
        throw UsageError("--page: give 1 to 100000 objects");
    const auto batch = req.vc.perf_batch;
    const auto page = req.vc.page_objects;
    req.vc = vc.to_params(vc_name);
    req.vc.perf_batch = batch;
    req.vc.page_objects = page;
    ProgressLine progress;
    auto result = run_vcenter_survey(req, [&](const std::string& s) { progress.show(s); });
    progress.clear();
    const auto& survey = result.value();  // throws UserError: exit 1 with the reason and what to do
    if (ctx.json)
        std::cout << compact_json(fleet_survey_json(survey, top)) << "\n";
    else if (csv)
        std::cout << fleet_survey_csv(survey);
    else
        std::cout << fleet_survey_text(survey, top);
    return exit_code::ok;
}

}  // namespace

int run_vcenter(const CommandContext& ctx) {
    if (group_help_asked(ctx, kVcenterHelp)) return exit_code::ok;
    const auto& sub = ctx.args.empty() ? std::string() : ctx.args.front();
    if (sub == "survey") return run_survey(ctx);
    throw UsageError(sub.empty() ? "vcenter needs a subcommand: survey"
                                 : "unknown vcenter subcommand '" + sub + "' (survey)");
}

}  // namespace vscsi
