#pragma once
// job.json: everything known about a job except its samples. Pure data + codec.

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/time.hpp"

namespace vscsi {

inline constexpr int kJobSchemaVersion = 1;

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

struct CollectionState {
    std::optional<TimePoint> started_at;
    std::optional<TimePoint> completed_at;
    std::uint64_t samples_collected = 0;
    std::uint64_t samples_expected = 0;
    std::vector<std::string> errors;
};

struct CleanupState {
    bool vscsistats_stopped = true;
    std::optional<TimePoint> stopped_at;
    std::string error;
    std::vector<std::string> manual_commands;  // what to run by hand if cleanup failed
};

struct JobMeta {
    int schema_version = kJobSchemaVersion;
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
    // Fields written by newer versions are kept and written back unchanged.
    boost::json::object extra;

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
