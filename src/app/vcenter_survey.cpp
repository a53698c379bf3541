#include "app/vcenter_survey.hpp"

#include <fmt/core.h>

#include <chrono>
#include <filesystem>

#include "app/run_to_end.hpp"

namespace vscsi {

namespace asio = boost::asio;

namespace {

asio::awaitable<Result<vsphere::FleetSurvey>> survey(
    const SurveyRequest& req, const std::function<void(const std::string&)>& progress) {
    auto say = [&](const std::string& s) {
        if (progress) progress(s);
    };
    const auto start = std::chrono::steady_clock::now();
    vcenter::VimSession session(co_await asio::this_coro::executor, req.vc);
    say("logging in to " + req.vc.target.host);
    if (auto c = co_await session.connect(); !c) co_return c.error();
    vsphere::FleetSurvey out;
    out.minutes = req.minutes;
    out.server = session.content().full_name;
    say("reading the inventory");
    auto inv = co_await session.inventory(
        [&](std::size_t n) { say(fmt::format("reading the inventory: {} objects", n)); });
    if (!inv) co_return inv.error();
    out.vms_in_inventory = inv->vms.size();
    vsphere::Inventory picked;
    picked.names = inv->names;
    picked.host_parents = inv->host_parents;
    for (auto& vm : inv->vms) {
        if (!vsphere::matches(*inv, vm, req.filter)) continue;
        ++out.vms_matched;
        // Powered-off VMs have no real-time statistics: counted, not queried.
        if (vm.power_state == "poweredOff" || vm.power_state == "suspended") {
            ++out.vms_powered_off;
            continue;
        }
        picked.vms.push_back(std::move(vm));
    }
    if (out.vms_matched == 0)
        co_return Error{ErrorKind::not_found,
                        fmt::format("vCenter {}: no VM matches (of {} VMs)", req.vc.target.host,
                                    out.vms_in_inventory),
                        "check --vm, --cluster and --folder (shell patterns, e.g. --vm 'SQL*')"};
    say("reading the performance counters");
    auto counters = co_await session.perf_counters();
    if (!counters) co_return counters.error();
    const auto plan = vsphere::plan_counters(*counters);
    std::vector<vsphere::PerfQuery> queries;
    const auto ids = plan.query_ids();
    if (ids.empty())
        co_return Error{
            ErrorKind::host_failure,
            fmt::format("vCenter {}: none of the virtualDisk counters exist on this server",
                        req.vc.target.host),
            "the survey needs vSphere's virtualDisk performance counters"};
    for (const auto& vm : picked.vms) {
        vsphere::PerfQuery q;
        q.entity = vm.ref;
        q.counter_ids = ids;
        q.max_samples = req.minutes * 3;
        queries.push_back(std::move(q));
    }
    const auto total = queries.size();
    say(fmt::format("querying {} VMs", total));
    auto metrics = co_await session.query_perf(std::move(queries), [&](std::size_t done) {
        say(fmt::format("querying VMs: {}/{}", done, total));
    });
    if (!metrics) co_return metrics.error();
    auto surveyed = vsphere::survey_fleet(picked, plan, *metrics);
    out.disks = std::move(surveyed.disks);
    out.missing = std::move(surveyed.missing);
    out.vms = surveyed.vms;
    out.vms_without_samples = surveyed.vms_without_samples;
    out.disks_without_series = surveyed.disks_without_series;
    // What job start needs to reach the same vCenter the same way (never the password).
    const auto& t = req.vc.target;
    out.vcenter =
        vsphere::shell_word(t.port == 443 ? t.host : fmt::format("{}:{}", t.host, t.port));
    if (t.path != "/sdk") out.vcenter = vsphere::shell_word("https://" + out.vcenter + t.path);
    out.vcenter += " --vc-user " + vsphere::shell_word(req.vc.user);
    switch (req.vc.trust.mode) {
        case vcenter::TlsTrust::Mode::insecure:
            out.vcenter += " --insecure";
            break;
        case vcenter::TlsTrust::Mode::thumbprint:
            out.vcenter += " --thumbprint " + req.vc.trust.thumbprint;
            break;
        case vcenter::TlsTrust::Mode::system_cas:
            if (!req.vc.trust.ca_file.empty())
                out.vcenter +=
                    " --ca-file " +
                    vsphere::shell_word(std::filesystem::absolute(req.vc.trust.ca_file).string());
            break;
    }
    co_await session.logout();
    out.calls = session.calls();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    co_return out;
}

}  // namespace

Result<vsphere::FleetSurvey> run_vcenter_survey(
    const SurveyRequest& request, const std::function<void(const std::string&)>& progress) {
    return app::run_to_end<Result<vsphere::FleetSurvey>>(
        [&](asio::any_io_executor) { return survey(request, progress); });
}

}  // namespace vscsi
