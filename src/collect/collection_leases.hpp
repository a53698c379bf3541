#pragma once
// vscsiStats collections belong to the host, not to a job: two jobs on one
// VM share its collection, and the first to run `vscsiStats -x` would end the
// other's. Each job holds a lease on what it collects, as a file in the data
// directory (DATA_DIR/leases/HOST/WG/HANDLE|all/JOB), which the daemon and
// --foreground processes share; a collection is stopped only by the last
// job that holds a lease on it. Creating and removing a file are atomic, and
// a lease whose job has ended (job.json final, or gone) is stale and dropped,
// so a crash never pins a collection for good (vscsiStats' own 30-minute
// auto-stop bounds what a stale lease can keep running).

#include <filesystem>
#include <string>
#include <vector>

#include "format/vscsistats_commands.hpp"
#include "job/job_meta.hpp"

namespace vscsi::collect {

struct LeaseRelease {
    std::vector<std::string> others;  // jobs that still collect it: do not stop
    // The last lease on the VM went, and a VM-wide collection was left running
    // for a handle's job: stop the whole VM, not only the handle.
    bool whole_vm = false;
    // It ran before any job of ours used it (someone else's): never stop it.
    bool outside = false;
};

// A host as leases tell hosts apart: name and port (two hosts may share a name
// behind different ports, as the tests' sshds on 127.0.0.1 do).
std::string lease_host(const HostInfo& host);

class CollectionLeases {
  public:
    CollectionLeases(std::filesystem::path data_dir, std::string host);

    // Records that `job` collects `target` (idempotent). `found_running`: the
    // job found it running before it started it; unless a job of ours holds it,
    // it is someone else's, and stays marked so until the last of our leases goes.
    void take(const CollectionTarget& target, const std::string& job,
              bool found_running = false) const;
    // Other live jobs of ours that hold `target` (or the VM-wide collection
    // that covers it): a collection running for them is not someone else's.
    std::vector<std::string> holders(const CollectionTarget& target, const std::string& job) const;
    // Marked as someone else's (see take).
    bool outside(const CollectionTarget& target) const;
    // Drops `job`'s lease on `target` and names the other jobs whose
    // collections a stop of `target` would end (a VM-wide stop ends every
    // handle's; a handle's stop ends the VM-wide one's view of it). None:
    // the caller may stop it (the whole VM when `whole_vm`).
    LeaseRelease release(const CollectionTarget& target, const std::string& job) const;

  private:
    std::filesystem::path vm_dir(const CollectionTarget& t) const;
    bool holder_alive(const std::string& job) const;
    // Live holders other than `job`: those a stop of `target` affects, and
    // whether any other handle of the VM is held. Drops stale leases.
    std::vector<std::string> other_holders(const CollectionTarget& target, const std::string& job,
                                           bool& any_other_on_vm) const;

    std::filesystem::path data_dir_;
    std::filesystem::path root_;  // DATA_DIR/leases/HOST
};

}  // namespace vscsi::collect
