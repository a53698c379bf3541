#include "collect/collection_leases.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "job/job_dir.hpp"

namespace vscsi::collect {
namespace fs = std::filesystem;

namespace {

std::string safe_name(const std::string& s) {
    std::string out;
    for (char c : s)
        out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'
                   ? c
                   : '_';
    return out.empty() ? "_" : out;
}

// Beside the leases of a collection: it is someone else's (job names never start with '.').
constexpr const char* kOutsideMarker = ".outside";

std::string handle_dir(const CollectionTarget& t) {
    return t.handle_id ? std::to_string(*t.handle_id) : "all";
}

}  // namespace

std::string lease_host(const HostInfo& host) {
    return host.hostname + "_" + std::to_string(host.port);
}

CollectionLeases::CollectionLeases(fs::path data_dir, std::string host)
    : data_dir_(std::move(data_dir)), root_(data_dir_ / "leases" / safe_name(host)) {}

fs::path CollectionLeases::vm_dir(const CollectionTarget& t) const {
    return root_ / std::to_string(t.world_group_id);
}

void CollectionLeases::take(const CollectionTarget& target, const std::string& job,
                            bool found_running) const {
    const auto dir = vm_dir(target) / handle_dir(target);
    std::error_code ec;
    // Found running while another job of ours holds it: ours, not someone else's.
    const bool someone_elses = found_running && holders(target, job).empty();
    fs::create_directories(dir, ec);
    // A lease that cannot be written only means this job may stop a shared
    // collection early, as before leases: the collection itself goes on.
    std::ofstream(dir / safe_name(job)) << job << "\n";
    if (someone_elses) std::ofstream(dir / kOutsideMarker) << job << "\n";
}

std::vector<std::string> CollectionLeases::holders(const CollectionTarget& target,
                                                   const std::string& job) const {
    bool any_other_on_vm = false;
    return other_holders(target, job, any_other_on_vm);
}

bool CollectionLeases::outside(const CollectionTarget& target) const {
    std::error_code ec;
    const auto vm = vm_dir(target);
    // A VM-wide collection someone else runs covers each of its handles.
    return fs::exists(vm / handle_dir(target) / kOutsideMarker, ec) ||
           fs::exists(vm / "all" / kOutsideMarker, ec);
}

bool CollectionLeases::holder_alive(const std::string& job) const {
    const JobDir dir(jobs_dir(data_dir_) / job);
    std::error_code ec;
    if (!fs::exists(dir.job_json(), ec)) return false;
    try {
        const auto status = dir.load_meta().status;
        return status == JobStatus::pending || status == JobStatus::running;
    } catch (const std::exception&) {
        return true;  // unreadable: keep the collection rather than break a job
    }
}

std::vector<std::string> CollectionLeases::other_holders(const CollectionTarget& target,
                                                         const std::string& job,
                                                         bool& any_other_on_vm) const {
    std::error_code ec;
    const auto vm = vm_dir(target);
    std::vector<std::string> others;
    any_other_on_vm = false;
    if (!fs::is_directory(vm, ec)) return others;
    for (const auto& h : fs::directory_iterator(vm, ec)) {
        const auto name = h.path().filename().string();
        // A VM-wide stop ends every handle's collection; a handle's stop ends
        // that handle, which a VM-wide collection includes.
        if (!h.is_directory()) continue;
        const bool affected = !target.handle_id || name == "all" || name == handle_dir(target);
        for (const auto& l : fs::directory_iterator(h.path(), ec)) {
            const auto holder = l.path().filename().string();
            if (holder == safe_name(job) || holder.front() == '.') continue;  // markers
            if (!holder_alive(holder)) {
                fs::remove(l.path(), ec);  // stale: its job has ended
                continue;
            }
            if (affected)
                others.push_back(holder);
            else
                any_other_on_vm = true;
        }
    }
    std::sort(others.begin(), others.end());
    others.erase(std::unique(others.begin(), others.end()), others.end());
    return others;
}

LeaseRelease CollectionLeases::release(const CollectionTarget& target,
                                       const std::string& job) const {
    std::error_code ec;
    const auto vm = vm_dir(target);
    const auto left_running = vm / "vm-wide-left-running";
    fs::remove(vm / handle_dir(target) / safe_name(job), ec);
    LeaseRelease r;
    bool any_other_on_vm = false;
    r.others = other_holders(target, job, any_other_on_vm);
    if (!r.others.empty()) {
        // A VM-wide collection kept for a handle's job: its other handles
        // are stopped by whoever releases the VM last.
        if (!target.handle_id) std::ofstream(left_running) << job << "\n";
        return r;
    }
    if (outside(target)) {
        // The last of our jobs on someone else's collection: leave it as found.
        r.outside = true;
        fs::remove(vm / handle_dir(target) / kOutsideMarker, ec);
        if (!any_other_on_vm) fs::remove(vm / "all" / kOutsideMarker, ec);
        return r;
    }
    if (!any_other_on_vm && fs::exists(left_running, ec)) {
        fs::remove(left_running, ec);
        r.whole_vm = true;
    }
    return r;
}

}  // namespace vscsi::collect
