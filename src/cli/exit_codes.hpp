#pragma once
// Stable exit codes: scripts and cron jobs branch on these.

namespace vscsi::exit_code {
inline constexpr int ok = 0;
inline constexpr int failure = 1;             // the command ran and failed (I/O, host, fio)
inline constexpr int usage = 2;               // bad command line
inline constexpr int not_found = 3;           // job, file or host entry does not exist
inline constexpr int daemon_unreachable = 4;  // reserved for daemon clients
inline constexpr int bad_data = 5;            // input data is malformed (file:line says where)
inline constexpr int out_of_tolerance = 6;  // vscsi validate: the synthetic run misses the profile
}  // namespace vscsi::exit_code
