#pragma once
// What a user asks for when starting a collection job: which VMs and disks,
// how many samples how often, and how patient to be with the host.

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vscsi {
class JsonFields;

// How a job that follows its VM reaches the vCenter that says where the VM
// runs (job start --vcenter). The password is never here: only its file.
struct VcenterLink {
    std::string server;
    int port = 443;
    std::string path = "/sdk";
    std::string user, password_file;
    std::string thumbprint, ca_file;  // the trust the job was started with
    bool insecure = false;
};

boost::json::object to_json(const VcenterLink& l);
// Throws DataError naming the field.
VcenterLink vcenter_link_from_json(const JsonFields& f);

struct JobRequest {
    std::vector<std::string> vms;    // names or worldGroupIDs
    std::vector<std::string> disks;  // labels, handleIDs or "all"
    std::string profile;             // name for job.json ("custom" when none)
    std::uint64_t samples = 0;
    double interval_seconds = 0;
    std::string name;  // empty: VM-YYYYmmdd-HHMMSS
    std::map<std::string, std::string> tags;
    double rearm_seconds = 20 * 60;
    double command_timeout_seconds = 120;
    double give_up_seconds = 3600;
    // Find the VM's host through this vCenter and follow the VM when it moves.
    std::optional<VcenterLink> vcenter;
    std::string vcenter_password;  // secret: over the daemon's socket only, never in job.json
};

// A number of the request outside its range (format/value_limits.hpp): the
// field as JSON-RPC names it ("interval") and why, with the range.
struct RequestProblem {
    std::string field;
    std::string why;
    std::string option() const;  // the CLI option: "--interval", "--rearm-every"
};
std::optional<RequestProblem> check_job_request(const JobRequest& r);

}  // namespace vscsi
