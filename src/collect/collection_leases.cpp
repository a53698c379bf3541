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

void CollectionLeases::take(const CollectionTarget& target, const std::string& job) const {
    const auto dir = vm_dir(target) / handle_dir(target);
    std::error_code ec;
    fs::create_directories(dir, ec);
    // A lease that cannot be written only means this job may stop a shared
    // collection early, as before leases: the collection itself goes on.
    std::ofstream(dir / safe_name(job)) << job << "\n";
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

LeaseRelease CollectionLeases::release(const CollectionTarget& target,
                                       const std::string& job) const {
    std::error_code ec;
    const auto vm = vm_dir(target);
    const auto left_running = vm / "vm-wide-left-running";
    fs::remove(vm / handle_dir(target) / safe_name(job), ec);
    LeaseRelease r;
    auto& others = r.others;
    if (!fs::is_directory(vm, ec)) return r;
    bool any_other_on_vm = false;
    for (const auto& h : fs::directory_iterator(vm, ec)) {
        const auto name = h.path().filename().string();
        // A VM-wide stop ends every handle's collection; a handle's stop ends
        // that handle, which a VM-wide collection includes.
        if (!h.is_directory()) continue;
        const bool affected = !target.handle_id || name == "all" || name == handle_dir(target);
        for (const auto& l : fs::directory_iterator(h.path(), ec)) {
            const auto holder = l.path().filename().string();
            if (holder == safe_name(job)) continue;
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
    if (!others.empty()) {
        // A VM-wide collection kept for a handle's job: its other handles
        // are stopped by whoever releases the VM last.
        if (!target.handle_id) std::ofstream(left_running) << job << "\n";
        return r;
    }
    if (!any_other_on_vm && fs::exists(left_running, ec)) {
        fs::remove(left_running, ec);
        r.whole_vm = true;
    }
    return r;
}

}  // namespace vscsi::collect
