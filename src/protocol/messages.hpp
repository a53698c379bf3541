#pragma once
// The daemon protocol's requests and results as types. Their JSON is written
// once, here (Boost.JSON tag_invoke): boost::json::value_from(x) encodes,
// boost::json::value_to<T>(v) decodes and throws DataError naming the field
// ("params.samples: ..."), which the server answers as invalid_params.

#include <boost/json/fwd.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/ssh_params.hpp"
#include "job/job_meta.hpp"
#include "job/job_request.hpp"
#include "job/job_summary.hpp"

namespace vscsi::protocol {

// Requests ("params").

struct Empty {};  // daemon.status

struct StartJob {  // job.start
    JobRequest job;
    host::SshParams ssh;  // ssh.host is the host; the password travels only over the socket
};

struct JobRef {  // job.status, job.stop, job.delete
    std::string job;
};

struct ListJobs {                     // job.list
    std::vector<std::string> status;  // any of these (empty: all)
    std::string host;
    std::vector<std::string> tags;  // KEY or KEY=VALUE, all must match
};

struct CleanupJob {  // job.cleanup
    std::string job;
    // Replace what the plan recorded (a password, other keys); host and user stay.
    std::optional<host::SshParams> ssh;
};

struct StopDaemon {                 // daemon.stop
    std::optional<bool> stop_jobs;  // unset: what `serve --stop-jobs-on-exit` said
    // Only when no job is live and no other client is connected: a client that started
    // the daemon for a request the daemon refused takes it down again.
    bool if_idle = false;
};

// Results.

struct JobView {  // job.start, job.status, job.stop
    using Vm = JobVm;
    std::string job_id;
    JobStatus status = JobStatus::pending;
    bool live = false;  // collected by this daemon now
    std::string host;
    std::vector<Vm> vms;
    std::size_t disks = 0;
    ProfileSpec profile;
    std::uint64_t samples_collected = 0;
    std::uint64_t samples_expected = 0;
    std::uint64_t gaps = 0;
    TimePoint created_at{};
    std::optional<TimePoint> started_at, completed_at, expected_end, next_sample_at;
    bool stopping = false;
    std::vector<std::string> errors;  // the newest few
    // Collections that ran before the job (someone else's): used, never stopped.
    std::vector<std::string> found_running;
    CleanupState cleanup;
    std::map<std::string, std::string> tags;
    std::string path;
};

struct JobList {  // job.list
    std::vector<JobSummary> jobs;
    std::size_t total = 0;  // jobs in the data directory, before the filters
};

struct Deleted {  // job.delete
    std::string job_id;
    bool deleted = true;
    std::string path;
};

struct CleanedUp {  // job.cleanup
    std::string job_id;
    std::string host;
    std::size_t stopped = 0;
    std::size_t failed = 0;
    std::vector<std::string> failures;
    std::vector<std::string> manual_commands;
};

struct DaemonStatus {  // daemon.status
    long pid = 0;
    std::string version;
    double uptime_seconds = 0;
    std::string data_dir, socket, config, metrics;
    std::size_t live_jobs = 0;
    std::size_t clients = 0;
    bool stopping = false;
};

struct DaemonStopping {  // daemon.stop
    bool stopping = true;
    bool jobs_stopped = false;
    std::size_t live_jobs = 0;
};

#define VSCSI_PROTOCOL_MESSAGE(T)                                                    \
    void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const T& x); \
    T tag_invoke(boost::json::value_to_tag<T>, const boost::json::value& v);
VSCSI_PROTOCOL_MESSAGE(Empty)
VSCSI_PROTOCOL_MESSAGE(StartJob)
VSCSI_PROTOCOL_MESSAGE(JobRef)
VSCSI_PROTOCOL_MESSAGE(ListJobs)
VSCSI_PROTOCOL_MESSAGE(CleanupJob)
VSCSI_PROTOCOL_MESSAGE(StopDaemon)
VSCSI_PROTOCOL_MESSAGE(JobView)
VSCSI_PROTOCOL_MESSAGE(JobList)
VSCSI_PROTOCOL_MESSAGE(Deleted)
VSCSI_PROTOCOL_MESSAGE(CleanedUp)
VSCSI_PROTOCOL_MESSAGE(DaemonStatus)
VSCSI_PROTOCOL_MESSAGE(DaemonStopping)
#undef VSCSI_PROTOCOL_MESSAGE

// A job list row (also what `job list --json` prints).
boost::json::object to_json(const JobSummary& s);
// One job list row as sent (serialize(to_json(s))).
std::string serialize_job_row(const JobSummary& s);
// job.list's result from rows serialised one by one (each serialize_job_row(s)),
// byte for byte what value_from(JobList) serialises to: a daemon keeps the rows
// of jobs that did not change serialised.
std::string serialize_job_list(const std::vector<std::string_view>& rows, std::size_t total);

}  // namespace vscsi::protocol
