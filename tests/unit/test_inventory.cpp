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
    "Vmid   Name                  File                                      Guest OS            "
    "Version   Annotation\n"
    "1      SQL-Server-01         [datastore1] SQL-Server-01/SQL-Server-01.vmx "
    "windows2019srv_64Guest vmx-19\n"
    "7      web, app (prod)       [datastore2] web app/web app.vmx          otherLinux64Guest   "
    "vmx-19    front end\n"
    "second line of a multi-line annotation\n"
    "9      powered-off-vm        [datastore1] off/off.vmx                  otherLinux64Guest   "
    "vmx-19\n";
}  // namespace

TEST_CASE("esxcli and vim-cmd outputs parse, and join with -l on the vmx path",
          "[format][inventory]") {
    std::vector<EsxcliVm> running;
    test::require_parsed(parse_esxcli_vm_process_list(kEsxcli, running));
    REQUIRE(running.size() == 2);
    CHECK(running[1].display_name == "web, app (prod)");
    CHECK(running[0].world_id == 2099980);
    std::vector<VimCmdVm> registered;
    test::require_parsed(parse_vim_cmd_getallvms(kVimCmd, registered));
    REQUIRE(registered.size() == 3);
    CHECK(registered[1].name == "web, app (prod)");
    CHECK(registered[1].file == "[datastore2] web app/web app.vmx");
    CHECK(registered[0].guest_os == "windows2019srv_64Guest");
    VscsiStatsListing listing;
    test::require_parsed(parse_vscsistats_listing(
        test::read_text(test::fixtures_dir() / "vscsistats-l.txt"), listing));
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
    auto e = test::parse_failure(parse_vim_cmd_getallvms("Permission denied\n", v));
    CHECK(e.line == 1);
    std::vector<EsxcliVm> r;
    e = test::parse_failure(parse_esxcli_vm_process_list("vm\n   World ID: abc\n", r));
    CHECK(e.line == 2);
    CHECK(e.field == "World ID");
}

TEST_CASE("vim-cmd device list gives each disk's label, backing file, RDM LUN and size",
          "[format][inventory]") {
    const char* text = R"((vim.vm.VirtualHardware) {
   numCPU = 2,
   device = (vim.vm.device.VirtualDevice) [
      (vim.vm.device.VirtualIDEController) {
         key = 200,
         busNumber = 0,
      },
      (vim.vm.device.ParaVirtualSCSIController) {
         key = 1000,
         deviceInfo = (vim.Description) {
            label = "SCSI controller 0",
            summary = "VMware paravirtual SCSI"
         },
         controllerKey = 100,
         unitNumber = 3,
         busNumber = 0,
         device = (int) [
            2000,
            2001
         ]
      },
      (vim.vm.device.VirtualLsiLogicSASController) {
         key = 1001,
         controllerKey = 100,
         unitNumber = 4,
         busNumber = 1,
      },
      (vim.vm.device.VirtualDisk) {
         key = 2000,
         deviceInfo = (vim.Description) {
            label = "Hard disk 1",
            summary = "41,943,040 KB"
         },
         backing = (vim.vm.device.VirtualDisk.FlatVer2BackingInfo) {
            fileName = "[datastore1] SQL-Server-01/SQL-Server-01.vmdk",
            datastore = 'vim.Datastore:5f1a2b3c',
            diskMode = "persistent",
         },
         controllerKey = 1000,
         unitNumber = 0,
         capacityInKB = 41943040,
      },
      (vim.vm.device.VirtualDisk) {
         key = 2016,
         backing = (vim.vm.device.VirtualDisk.RawDiskMappingVer1BackingInfo) {
            fileName = "[datastore1] SQL-Server-01/SQL-Server-01_1.vmdk",
            deviceName = "vml.0200000000600508b1001c3ea3",
            compatibilityMode = "physicalMode",
         },
         controllerKey = 1001,
         unitNumber = 2,
         capacityInKB = 104857600,
      }
   ]
}
)";
    std::vector<DeviceDisk> disks;
    test::require_parsed(parse_vim_cmd_devices(text, disks));
    REQUIRE(disks.size() == 2);
    CHECK(disks[0].label == "scsi0:0");
    CHECK(disks[0].file == "[datastore1] SQL-Server-01/SQL-Server-01.vmdk");
    CHECK(disks[0].capacity_kb == 41943040);
    CHECK(disks[0].lun.empty());
    CHECK(disks[1].label == "scsi1:2");
    CHECK(disks[1].lun == "vml.0200000000600508b1001c3ea3");
    std::vector<ListedDisk> listed(3);
    listed[0].label = "scsi0:0";
    listed[1].label = "scsi1:2";
    listed[2].label = "scsi2:0";
    attach_backing(listed, disks);
    CHECK(listed[1].lun == "vml.0200000000600508b1001c3ea3");
    CHECK(listed[2].backing.empty());
    CHECK(test::parse_failure(
              parse_vim_cmd_devices("Unable to find a VM corresponding to \"99\"\n", disks))
              .line == 1);
}
