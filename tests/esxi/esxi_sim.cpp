// The simulated ESXi host as a program, for tests behind a real sshd: run as
// vscsiStats / esxcli / vim-cmd (symlinks), or `vscsi-esxi-sim admin ...`.
//
//   VSCSI_SIM_DIR=DIR  the host's state directory (see src/sim/esxi_host_sim.hpp)
//   vscsi-esxi-sim admin init HOST_JSON      install a host description
//   vscsi-esxi-sim admin reboot              lose every collection (as a host reboot does)
//   vscsi-esxi-sim admin fault KIND N        next N vscsiStats commands: fail|hang|garbage|huge
//   vscsi-esxi-sim admin show                state as JSON
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "sim/esxi_host_sim.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    const char* dir = std::getenv("VSCSI_SIM_DIR");
    if (!dir || !*dir) {
        std::fputs("VSCSI_SIM_DIR is not set (the simulated host keeps its state there)\n", stderr);
        return 1;
    }
    std::vector<std::string> args(argv, argv + argc);
    args[0] = fs::path(args[0]).filename().string();
    if (args[0] != "vscsiStats" && args[0] != "esxcli" && args[0] != "vim-cmd")
        args.erase(args.begin());
    if (args.empty()) {
        std::fputs(
            "usage: run as vscsiStats, esxcli or vim-cmd (symlinks), or `vscsi-esxi-sim admin "
            "...`\n",
            stderr);
        return 2;
    }
    const auto r = args[0] == "admin" ? vscsi::sim::run_admin_command(dir, args)
                                      : vscsi::sim::run_host_command(dir, args);
    if (r.hang_seconds > 0)
        std::this_thread::sleep_for(std::chrono::duration<double>(r.hang_seconds));
    std::fputs(r.out.c_str(), stdout);
    std::fputs(r.err.c_str(), stderr);
    const std::string line(1023, 'x');
    for (std::size_t i = 0; i < r.huge_lines; ++i)  // until the reader goes away
        if (std::fprintf(stdout, "%s\n", line.c_str()) < 0) return 1;
    return r.exit_status;
}
