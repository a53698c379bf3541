// The vSphere codec on replies captured from govmomi's simulator (vcsim,
// tests/vcsim) with curl: tests/fixtures/vsphere.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "vsphere/fleet_survey.hpp"
#include "vsphere/soap_message.hpp"
#include "vsphere/vim_calls.hpp"
#include "vsphere/vm_inventory.hpp"

using namespace vscsi;
using namespace vscsi::vsphere;

namespace {

std::string fixture(const char* name) {
    return test::read_text(test::fixtures_dir() / "vsphere" / name);
}

XmlElement response(const char* name) {
    auto reply = read_soap_reply(fixture(name), name);
    if (!reply) FAIL(reply.error().message());
    REQUIRE(std::holds_alternative<XmlElement>(*reply));
    return std::get<XmlElement>(std::move(*reply));
}

VimFault fault(const std::string& text) {
    auto reply = read_soap_reply(text, "reply");
    if (!reply) FAIL(reply.error().message());
    REQUIRE(std::holds_alternative<VimFault>(*reply));
    return std::get<VimFault>(*reply);
}

ParseError failure(const std::string& text) {
    auto reply = read_soap_reply(text, "vc01 reply");
    REQUIRE_FALSE(reply.has_value());
    return reply.error();
}

Inventory inventory() {
    auto page = decode_object_page(response("inventory.xml"), "inventory.xml");
    REQUIRE(page.has_value());
    Inventory inv;
    test::require_parsed(add_inventory_page(inv, *page, "inventory.xml"));
    return inv;
}

std::vector<PerfCounterInfo> catalogue() {
    auto page = decode_object_page(response("perf-counters.xml"), "perf-counters.xml");
    REQUIRE(page.has_value());
    auto counters = decode_perf_counters(*page, "perf-counters.xml");
    if (!counters) FAIL(counters.error().message());
    return *counters;
}

}  // namespace

TEST_CASE("service content: the managers' references and the server kind", "[vsphere]") {
    const auto sc = decode_service_content(response("service-content.xml"), "sc");
    REQUIRE(sc.has_value());
    CHECK(sc->root_folder == MoRef{"Folder", "group-d1"});
    CHECK(sc->property_collector == MoRef{"PropertyCollector", "propertyCollector"});
    CHECK(sc->view_manager == MoRef{"ViewManager", "ViewManager"});
    CHECK(sc->session_manager == MoRef{"SessionManager", "SessionManager"});
    CHECK(sc->perf_manager == MoRef{"PerformanceManager", "PerfMgr"});
    CHECK(sc->api_type == "VirtualCenter");
    CHECK(sc->api_version == "6.5");
}

TEST_CASE("faults: their type from xsi:type or the detail's name, and the message", "[vsphere]") {
    const auto bad = fault(fixture("login-fault.xml"));
    CHECK(bad.type == "InvalidLogin");
    CHECK(bad.message == "Login failure");
    CHECK_FALSE(bad.not_authenticated());
    CHECK(fault(fixture("not-authenticated.xml")).not_authenticated());
    // Another prefix for the XMLSchema-instance namespace, and none at all.
    CHECK(
        fault(
            R"(<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault>)"
            R"(<faultstring>x</faultstring><detail><NotAuthenticatedFault xmlns:q="http://www.w3.org/2001/XMLSchema-instance" )"
            R"(q:type="vim25:NotAuthenticated"/></detail></e:Fault></e:Body></e:Envelope>)")
            .not_authenticated());
    CHECK(
        fault(
            R"(<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault>)"
            R"(<faultstring>x</faultstring><detail><InvalidLoginFault xmlns="urn:vim25"/></detail></e:Fault></e:Body></e:Envelope>)")
            .type == "InvalidLogin");
}

TEST_CASE("login and a container view: the returned references", "[vsphere]") {
    CHECK(response("login.xml").name == "LoginResponse");
    const auto view = decode_returned_moref(response("create-container-view.xml"), "ccv");
    REQUIRE(view.has_value());
    CHECK(view->type == "ContainerView");
    CHECK(view->value.starts_with("session["));
}

TEST_CASE("inventory: VMs with their host, cluster, folder and disks under counter instance names",
          "[vsphere]") {
    const auto inv = inventory();
    REQUIRE(inv.vms.size() == 4);
    const auto& vm = inv.vms[0];
    CHECK(vm.name == "DC0_H0_VM0");
    CHECK(vm.ref == MoRef{"VirtualMachine", "vm-57"});
    CHECK(inv.name_of(vm.host) == "DC0_H0");
    CHECK(inv.cluster_of(vm).empty());  // a standalone host
    CHECK(inv.name_of(vm.folder) == "vm");
    CHECK(vm.power_state == "poweredOn");
    REQUIRE(vm.disks.size() == 1);  // the CD-ROM on the same controller is not a disk
    CHECK(vm.disks[0].instance == "scsi0:0");
    CHECK(vm.disks[0].file == "[LocalDS_0] DC0_H0_VM0/disk1.vmdk");
    CHECK(vm.disks[0].capacity_kb == 1024);
    CHECK(inv.cluster_of(inv.vms[2]) == "DC0_C0");
    CHECK(inv.name_of(inv.vms[2].host) == "DC0_C0_H1");
}

TEST_CASE("perf counters: names to this server's ids; what a survey needs and what is missing",
          "[vsphere]") {
    const auto counters = catalogue();
    const auto* read_size = find_counter(counters, "virtualDisk", "readIOSize", "latest");
    REQUIRE(read_size);
    CHECK(read_size->key == 527);
    CHECK(read_size->level == 4);
    const auto plan = plan_counters(counters);
    CHECK(plan.missing.empty());
    CHECK(plan.ids[static_cast<std::size_t>(DiskCounter::read_iops)] == 171);
    CHECK(plan.ids[static_cast<std::size_t>(DiskCounter::write_latency_ms)] == 176);
    CHECK(plan.query_ids().size() == kDiskCounters);

    std::vector<PerfCounterInfo> fewer;
    for (const auto& c : counters)
        if (c.level < 4) fewer.push_back(c);
    const auto partial = plan_counters(fewer);
    CHECK(partial.missing.size() == 7);  // the level-4 counters
    CHECK(std::find(partial.missing.begin(), partial.missing.end(),
                    "virtualDisk.smallSeeks.latest") != partial.missing.end());
}

TEST_CASE("QueryPerf: series shorter than sampleInfo where zeros were dropped; figures exact",
          "[vsphere]") {
    const auto metrics = decode_query_perf(response("query-perf.xml"), "qp");
    REQUIRE(metrics.has_value());
    REQUIRE(metrics->size() == 2);
    const auto& injected = (*metrics)[0];
    CHECK(injected.entity.value == "vm-57");
    CHECK(injected.samples == 3);
    CHECK(injected.interval_s == 20);
    REQUIRE(injected.series.size() == 6);
    CHECK(injected.series[1].counter == 172);
    CHECK(injected.series[1].values == std::vector<std::int64_t>{50, 70});  // 50, 0, 70 sent

    auto plan = plan_counters(catalogue());
    const auto survey = survey_fleet(inventory(), plan, *metrics);
    CHECK(survey.vms == 4);
    CHECK(survey.vms_without_samples == 2);
    // vm-57's injected series: reads 100/120/140 IOPS at 800/960/1120 KiB/s; writes 50/0/70 at
    // 400/0/560.
    const auto& top = survey.disks.front();
    CHECK(top.vm == "DC0_H0_VM0");
    CHECK(top.disk == "scsi0:0");
    CHECK(top.host == "DC0_H0");
    CHECK(top.read_iops == Approx(120));
    CHECK(top.write_iops == Approx(40));  // 120 / 3 samples: the dropped zero counted
    CHECK(*top.read_mbps == Approx(960.0 * 1024 / 1e6));
    CHECK(*top.write_mbps == Approx(320.0 * 1024 / 1e6));
    CHECK(*top.read_io_bytes == Approx(8192));
    CHECK(*top.write_io_bytes == Approx(8192));
    CHECK_FALSE(top.peak_iops);   // the write series is not whole: no aligned peak
    CHECK_FALSE(top.random_pct);  // no seek counters were sent
    CHECK(std::find(top.no_series.begin(), top.no_series.end(), "virtualDisk.smallSeeks.latest") !=
          top.no_series.end());
    // vm-60: the stock simulator's series for instance "*": kept as a row of its own.
    const auto stock =
        std::find_if(survey.disks.begin(), survey.disks.end(),
                     [](const DiskSurvey& d) { return d.vm == "DC0_H0_VM1" && d.disk == "*"; });
    REQUIRE(stock != survey.disks.end());
    CHECK(*stock->write_mbps == Approx((94 + 144 + 162 + 429 + 177) / 5.0 * 1024 / 1e6));
    CHECK(job_start_command(top) ==
          "vscsi job start --host DC0_H0 --vm DC0_H0_VM0 --disk scsi0:0 --profile standard");
}

TEST_CASE("bad replies name the line and what was wrong; hostile XML is refused", "[vsphere]") {
    CHECK_THAT(failure("<html><body>502 Bad Gateway</body></html>").reason,
               Catch::Contains("not a SOAP envelope"));
    const auto cut = failure(fixture("inventory.xml").substr(0, 5000));
    CHECK(cut.source == "vc01 reply");
    CHECK(cut.line == 2);
    CHECK_THAT(cut.reason, Catch::Contains("column"));
    CHECK_THAT(
        failure(
            R"(<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>)")
            .reason,
        Catch::Contains("DOCTYPE"));
    std::string deep;
    for (int i = 0; i < 100; ++i) deep += "<a>";
    CHECK_THAT(failure(deep).reason, Catch::Contains("deeper"));
    XmlLimits small;
    small.max_bytes = 100;
    CHECK_THAT(read_soap_reply(fixture("login.xml"), "r", small).error().reason,
               Catch::Contains("larger than"));

    // A number that is not one, in a QueryPerf series.
    auto text = fixture("query-perf.xml");
    text.replace(text.find("<value>120</value>"), 18, "<value>12x</value>");
    auto reply = read_soap_reply(text, "qp");
    REQUIRE(reply.has_value());
    const auto bad = decode_query_perf(std::get<XmlElement>(*reply), "qp");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().field == "value");
    CHECK(bad.error().line == 2);
    CHECK_THAT(bad.error().reason, Catch::Contains("12x"));
}

TEST_CASE("requests: the envelope, escaping, paging and batched perf specs", "[vsphere]") {
    const auto login =
        soap_envelope(login_body({"SessionManager", "SessionManager"}, "svc<vscsi>", "p&w\"d"));
    CHECK_THAT(login, Catch::Contains("<userName>svc&lt;vscsi&gt;</userName>"));
    CHECK_THAT(login, Catch::Contains("<password>p&amp;w&quot;d</password>"));
    // What we send parses as what the server reads.
    auto parsed = parse_xml(login, "request");
    REQUIRE(parsed.has_value());
    CHECK(parsed->children.front().children.front().child_text("password") == "p&w\"d");

    const auto page = retrieve_view_properties_body(
        {"PropertyCollector", "pc"}, {"ContainerView", "v1"}, inventory_property_specs(), 100);
    CHECK_THAT(page, Catch::Contains("<maxObjects>100</maxObjects>"));
    CHECK_THAT(page, Catch::Contains("<pathSet>config.hardware.device</pathSet>"));
    CHECK_THAT(continue_retrieve_body({"PropertyCollector", "pc"}, "tok-1"),
               Catch::Contains("<token>tok-1</token>"));

    std::vector<PerfQuery> q(2);
    q[0].entity = {"VirtualMachine", "vm-1"};
    q[1].entity = {"VirtualMachine", "vm-2"};
    q[0].counter_ids = q[1].counter_ids = {171, 172};
    const auto perf = query_perf_body({"PerformanceManager", "PerfMgr"}, q);
    CHECK_THAT(
        perf,
        Catch::Contains(
            "<querySpec><entity type=\"VirtualMachine\">vm-2</entity><maxSample>180</maxSample>"));
    CHECK_THAT(perf, Catch::Contains(
                         "<metricId><counterId>172</counterId><instance>*</instance></metricId>"));
}
