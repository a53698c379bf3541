#pragma once
// job.json: everything known about a job except its samples. Pure data + codec.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "format/vscsistats_commands.hpp"
#include "host/ssh_params.hpp"
#include "job/job_request.hpp"
#include "util/time.hpp"

namespace vscsi {

// 2: gaps, the vscsiStats collections and the resume plan are fields of the
// schema (under "collection" and "plan"); 1 kept them as loose top-level keys.
inline constexpr int kJobSchemaVersion = 2;

enum class JobStatus { pending, running, completed, stopped, failed };
std::string_view to_string(JobStatus s);
std::optional<JobStatus> job_status_from_string(std::string_view s);

struct HostInfo {
    std::string hostname;  // empty for imported jobs whose host is unknown
    std::string username;
    int port = 22;
    std::string fingerprint;
};

struct TargetDisk {
    std::int64_t handle_id = 0;
    std::string label;
};

struct Target {
    std::string vm_name;
    std::int64_t world_group_id = 0;
    std::string config_file;
    std::vector<TargetDisk> disks;
};

struct ProfileSpec {
    std::string name;  // quick | standard | deep | user name | "custom" | "import"
    std::uint64_t samples = 0;
    double interval_seconds = 0;
};

// A vscsiStats collection of the job on its host, recorded before it is
// started so that a cleanup can always find it.
// vm_gone: `vscsiStats -l` no longer lists the VM (vMotion, power-off,
// unregistered): its collection ended there, with nothing left to stop.
enum class CollectionStatus { planned, starting, running, stopped, stop_failed, failed, vm_gone };
std::string_view to_string(CollectionStatus s);
std::optional<CollectionStatus> collection_status_from_string(std::string_view s);

struct CollectionRecord {
    CollectionTarget target;
    CollectionStatus state = CollectionStatus::planned;
    std::optional<TimePoint> armed_at;
    std::string error;
    // vscsiStats was already collecting it when the job started, and no job of
    // this data directory had started it: someone else's, used as is and never
    // stopped by vscsi (its counters are cumulative, so sampling is unaffected).
    bool found_running = false;
};

struct CollectionState {
    std::optional<TimePoint> started_at;
    std::optional<TimePoint> completed_at;
    std::uint64_t samples_collected = 0;
    std::uint64_t samples_expected = 0;
    std::uint64_t gaps = 0;  // samples that follow an unobserved stretch
    std::vector<std::string> errors;
    std::vector<CollectionRecord> vscsistats;
};

// What a collector needs to pick the job up again after its process died:
// the collector settings and the non-secret SSH settings. The password is
// never part of it (password_file says where to read it again).
struct ResumePlan {
    std::vector<CollectionTarget> collections;
    std::uint64_t samples = 0;
    std::chrono::milliseconds interval{0};
    std::chrono::milliseconds rearm_every{0};
    std::chrono::milliseconds give_up_after{0};
    std::chrono::milliseconds command_timeout{0};
    host::SshParams ssh;  // password always empty
};

// How an import turned its files into timed samples (vscsiStats records no time).
struct ImportRecord {
    std::string interval_source;  // "given" (--interval) or "inferred" (interarrival histograms)
    std::string interval_detail;  // how, and from which disk
    std::string series;           // "one print", "cumulative" or "reset between prints"
    std::string series_source;    // "detected" or "given"
    std::uint64_t prints = 0;
};

struct CleanupState {
    bool vscsistats_stopped = true;
    std::optional<TimePoint> stopped_at;
    std::string error;
    std::vector<std::string> manual_commands;  // what to run by hand if cleanup failed
};

// A host a job collected on, from when, with the VM's worldGroupID there
// (a vMotion gives the VM a new one).
struct HostVisit {
    std::string hostname;
    TimePoint from{};
    std::int64_t world_group_id = 0;
};

struct JobMeta {
    int schema_version = kJobSchemaVersion;  // as read; always written as kJobSchemaVersion
    std::string job_id;
    TimePoint created_at{};
    TimePoint updated_at{};
    JobStatus status = JobStatus::pending;
    std::string source;  // "import" or "ssh"
    HostInfo host;
    std::vector<Target> targets;
    ProfileSpec profile;
    CollectionState collection;
    CleanupState cleanup;
    std::map<std::string, std::string> tags;
    std::optional<ImportRecord> import;  // imported jobs
    std::optional<ResumePlan> plan;      // jobs collected over SSH by this version
    std::optional<VcenterLink> vcenter;  // jobs that follow their VM across hosts
    std::vector<HostVisit> hosts;        // such a job's hosts, oldest first
    std::string plan_error;              // a plan was found but cannot be read: why
    // Fields written by newer versions are kept and written back unchanged.
    boost::json::object extra;

    // Past this time a job found running is finished with what it has rather
    // than resumed: its start plus samples x interval plus the outage it tolerates.
    std::optional<TimePoint> planned_end() const;

    bool complete() const {
        return status == JobStatus::completed &&
               collection.samples_collected >= collection.samples_expected;
    }
};

boost::json::object to_json(const JobMeta& m);
// Throws DataError naming `source` and the offending field.
JobMeta job_meta_from_json(const boost::json::value& v, const std::string& source);
std::string serialize_job_meta(const JobMeta& m);  // pretty, stable key order
JobMeta parse_job_meta(std::string_view text, const std::string& source);

}  // namespace vscsi
