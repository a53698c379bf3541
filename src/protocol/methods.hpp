#pragma once
// The daemon's JSON-RPC methods, named once for the client and the server.

#include <string_view>

namespace vscsi::protocol::method {

inline constexpr std::string_view job_start = "job.start";
inline constexpr std::string_view job_status = "job.status";
inline constexpr std::string_view job_stop = "job.stop";
inline constexpr std::string_view job_resume = "job.resume";
inline constexpr std::string_view job_list = "job.list";
inline constexpr std::string_view job_delete = "job.delete";
inline constexpr std::string_view job_cleanup = "job.cleanup";
inline constexpr std::string_view daemon_status = "daemon.status";
inline constexpr std::string_view daemon_stop = "daemon.stop";

}  // namespace vscsi::protocol::method
