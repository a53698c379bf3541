#pragma once
// A simulated ESXi host: `vscsiStats`, `esxcli vm process list` and
// `vim-cmd vmsvc/...` with their real output formats, state kept in a
// directory so that commands of several sessions (or processes) see one host.
// The test fixture runs it behind sshd; the daemon runs it in-process for the
// built-in demo host (`--host sim:demo`).
//
//   DIR/host.json   the VMs, disks and workload models
//   DIR/state.json  collections (start/arm times) and injected faults
//   DIR/lock        flock'ed for the length of each command
//
// Counters are cumulative since -s (or -r) and grow at each disk model's rate
// per real second, so they never go down. A collection stops by itself
// `autostop_seconds` (default 1800) after its last -s, on a clock running
// `time_scale` times faster than real time, so the auto-stop can pass in seconds.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vscsi::sim {

struct SimCommandResult {
    int exit_status = 0;
    std::string out;
    std::string err;
    double hang_seconds = 0;  // fault "hang": the caller delays the answer this long
    std::size_t huge_lines =
        0;  // fault "huge": the caller streams this many 1 KiB lines after `out`
};

// argv[0] is vscsiStats, esxcli or vim-cmd. Never throws: failures are exit statuses.
SimCommandResult run_host_command(const std::filesystem::path& state_dir,
                                  const std::vector<std::string>& argv);

// `admin init HOST_JSON_FILE | reboot | fault KIND N | show` (argv[0] is "admin").
SimCommandResult run_admin_command(const std::filesystem::path& state_dir,
                                   const std::vector<std::string>& argv);

// Installs a host description (JSON text) and clears all collections, unless
// `keep_existing` and the directory already holds a host.
void init_host(const std::filesystem::path& state_dir, std::string_view host_json,
               bool keep_existing);

// Splits a command line of plain words (what the collector sends: tool names,
// options and numbers) on blanks. Quotes and shell syntax are not supported.
std::vector<std::string> split_words(std::string_view command);

// The built-in demo host: two VMs with an OLTP-like and a file-server disk mix.
std::string_view demo_host_json();

}  // namespace vscsi::sim
