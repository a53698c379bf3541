#pragma once
// The thin async shell around CollectorFsm: performs its actions (commands
// on the host, timers, atomic sample and job.json writes) and feeds the
// outcomes back. All policy lives in the state machine.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>

#include "collect/collection_leases.hpp"
#include "collect/collector_fsm.hpp"
#include "collect/job_progress.hpp"
#include "host/host_shell.hpp"
#include "job/job_dir.hpp"

namespace vscsi::collect {

// Where a job's VM went when it left its host: the host vCenter names, and a
// link to it (shared: the daemon's jobs on one host use one connection).
struct VmMoved {
    std::string hostname;
    std::shared_ptr<host::HostShell> link;
};
// Asked with the VM's name and the host it left; an error says why it cannot
// be followed (powered off, no longer in the inventory, vCenter unreachable).
using VmLocator = std::function<boost::asio::awaitable<Result<VmMoved>>(
    const std::string& vm, const std::string& left_host)>;

class JobRunner {
  public:
    JobRunner(boost::asio::any_io_executor ex, JobDir dir, JobMeta meta, CollectorConfig config,
              host::HostShell& link, std::chrono::milliseconds command_timeout);

    boost::asio::awaitable<JobStatus> run();
    // Stops at the next step: a pending wait ends at once, a running command finishes first.
    void request_stop();

    std::function<void(const Sample&)> on_sample;  // after each sample is on disk
    VmLocator locate_vm;  // set: a VM that leaves its host is followed to the next
    const JobMeta& meta() const { return meta_; }
    // Writes job.json as the job stands (a count that was let wait included):
    // for a daemon that leaves its jobs running to be resumed.
    void save_progress() { persist(now_ms()); }
    const CollectorProgress& progress() const { return fsm_.progress(); }
    // When the runner wakes next (the next sample, or a retry); empty while busy.
    std::optional<TimePoint> next_wake() const { return next_wake_; }

  private:
    // `after_sample`: may wait (job_progress.hpp JobJsonSchedule).
    void persist(TimePoint now, bool after_sample = false);
    // The VM is on another host now: a collector there takes over the job.
    boost::asio::awaitable<Result<void>> follow_vm();

    JobDir dir_;
    JobMeta meta_;
    CollectorFsm fsm_;
    host::HostShell* link_;
    std::shared_ptr<host::HostShell> followed_link_;  // after a move: the new host's
    std::chrono::milliseconds command_timeout_;
    boost::asio::steady_timer timer_;
    JobJsonSchedule job_json_;
    std::optional<TimePoint> next_wake_;
    CollectionLeases leases_;
};

}  // namespace vscsi::collect
