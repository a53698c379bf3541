#pragma once
// `vscsi serve`: the daemon's life from socket to shutdown.

#include <chrono>
#include <filesystem>
#include <string>

namespace vscsi::daemon {

struct ServeOptions {
    std::filesystem::path data_dir;
    std::filesystem::path socket_path;  // ignored under socket activation
    std::string metrics_listen;         // empty: no metrics endpoint
    double metrics_keep_minutes = 60;   // a finished job's series stay this long
    bool stop_jobs_on_exit = false;
    std::string config_file;        // reported by daemon.status
    double max_request_rate = 200;  // per client and second (burst: twice that)
};

// Returns the process exit code.
int serve(const ServeOptions& opts);

}  // namespace vscsi::daemon
