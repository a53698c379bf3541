#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "format/esxi_inventory.hpp"

using namespace vscsi;

namespace {
const char* kEsxcli =
    "SQL-Server-01\n   World ID: 2099980\n   Process ID: 0\n   VMX Cartel ID: 2099978\n"
    "   UUID: 56 4d 01 1e 00 11 22 33-44 55 66 77 88 99 aa bb\n   Display Name: SQL-Server-01\n"
    "   Config File: /vmfs/volumes/5f1a2b3c-datastore1/SQL-Server-01/SQL-Server-01.vmx\n\n"
    "web, app (prod)\n   World ID: 2100418\n   Display Name: web, app (prod)\n"
    "   Config File: /vmfs/volumes/datastore2/web app/web app.vmx\n\n";
const char* kVimCmd =
    "Vmid   Name                  File                                      Guest OS            Version   Annotation\n"
    "1      SQL-Server-01         [datastore1] SQL-Server-01/SQL-Server-01.vmx windows2019srv_64Guest vmx-19\n"
    "7      web, app (prod)       [datastore2] web app/web app.vmx          otherLinux64Guest   vmx-19    front end\n"
    "second line of a multi-line annotation\n"
    "9      powered-off-vm        [datastore1] off/off.vmx                  otherLinux64Guest   vmx-19\n";
}  // namespace

TEST_CASE("esxcli and vim-cmd outputs parse, and join with -l on the vmx path", "[format][inventory]") {
    std::vector<EsxcliVm> running;
    REQUIRE_FALSE(parse_esxcli_vm_process_list(kEsxcli, running));
    REQUIRE(running.size() == 2);
    CHECK(running[1].display_name == "web, app (prod)");
    CHECK(running[0].world_id == 2099980);
    std::vector<VimCmdVm> registered;
    REQUIRE_FALSE(parse_vim_cmd_getallvms(kVimCmd, registered));
    REQUIRE(registered.size() == 3);
    CHECK(registered[1].name == "web, app (prod)");
    CHECK(registered[1].file == "[datastore2] web app/web app.vmx");
    CHECK(registered[0].guest_os == "windows2019srv_64Guest");
    VscsiStatsListing listing;
    REQUIRE_FALSE(parse_vscsistats_listing(test::read_text(test::fixtures_dir() / "vscsistats-l.txt"), listing));
    const auto inv = join_inventory(listing, running, registered);
    REQUIRE(inv.size() == 3);
    CHECK(*inv[0].world_group_id == 2099979);  // from -l, not esxcli's World ID
    CHECK(*inv[0].vmid == 1);                  // joined on the vmx path, not on numbers
    CHECK(*inv[1].vmid == 7);
    CHECK(inv[1].disks.size() == 1);
    CHECK(inv[2].name == "powered-off-vm");
    CHECK(inv[2].power_state == "off");
    CHECK_FALSE(inv[2].world_group_id);
}

TEST_CASE("inventory parsers name the line of unexpected output", "[format][inventory]") {
    std::vector<VimCmdVm> v;
    auto e = parse_vim_cmd_getallvms("Permission denied\n", v);
    REQUIRE(e);
    CHECK(e->line == 1);
    std::vector<EsxcliVm> r;
    e = parse_esxcli_vm_process_list("vm\n   World ID: abc\n", r);
    REQUIRE(e);
    CHECK(e->line == 2);
    CHECK(e->field == "World ID");
}
