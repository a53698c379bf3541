#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "format/vscsistats_listing.hpp"

using namespace vscsi;

TEST_CASE("vscsiStats -l listing gives VMs, names with commas, vmx paths and disks",
          "[format][listing]") {
    VscsiStatsListing l;
    test::require_parsed(
        parse_vscsistats_listing(test::read_text(test::fixtures_dir() / "vscsistats-l.txt"), l));
    REQUIRE(l.vms.size() == 2);
    CHECK(l.vms[0].world_group_id == 2099979);
    CHECK(l.vms[0].display_name == "SQL-Server-01");
    CHECK(l.vms[0].config_file ==
          "/vmfs/volumes/5f1a2b3c-datastore1/SQL-Server-01/SQL-Server-01.vmx");
    REQUIRE(l.vms[0].disks.size() == 2);
    CHECK(l.vms[0].disks[1].handle_id == 8195);
    CHECK(l.vms[0].disks[1].label == "scsi0:1");
    CHECK(l.vms[1].display_name == "web, app (prod), tier 2");
    CHECK(l.vms[1].config_file == "/vmfs/volumes/datastore2/web app/web app.vmx");
}

TEST_CASE("a broken -l listing names the line", "[format][listing]") {
    VscsiStatsListing l;
    SECTION("unclosed block") {
        const auto e = test::parse_failure(parse_vscsistats_listing(
            "Virtual Machine worldGroupID: 1, Virtual Machine Display Name: a, Virtual Machine "
            "Config File: /a.vmx, {\n"
            " Virtual SCSI Disk handleID: 8194 (scsi0:0)\n",
            l));
        CHECK(e.line == 2);
        CHECK_THAT(e.reason, Catch::Contains("not closed"));
    }
    SECTION("bad handle") {
        const auto e = test::parse_failure(parse_vscsistats_listing(
            "Virtual Machine worldGroupID: 1, Virtual Machine Display Name: a, Virtual Machine "
            "Config File: /a.vmx, {\n"
            " Virtual SCSI Disk handleID: abc (scsi0:0)\n}\n",
            l));
        CHECK(e.line == 2);
        CHECK(e.field == "handleID");
    }
    SECTION("garbage") {
        const auto e =
            test::parse_failure(parse_vscsistats_listing("vscsiStats: command not found\n", l));
        CHECK(e.line == 1);
    }
    SECTION("no VMs is not an error") {
        test::require_parsed(parse_vscsistats_listing("", l));
    }
}
