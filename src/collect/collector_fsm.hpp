#pragma once
// The life of one collection job as a sans-I/O state machine: it never touches
// a socket, a file or a clock. The driver performs the action it returns and
// reports the outcome with the time it happened; tests drive it with a fake
// clock and scripted command results.
//
// Sampling: every interval the collector prints the cumulative counters and
// writes the difference to the previous print. Unlike print-then-reset, no I/O
// that completes between two commands is lost, and a connection outage only
// makes one sample longer. Collections are re-armed (-s again) well before
// vscsiStats' 30-minute auto-stop; a collection found stopped (auto-stop, host
// reboot) is restarted and the sample after it is marked as following a gap.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "format/vscsistats_commands.hpp"
#include "host/host_shell.hpp"
#include "job/job_meta.hpp"
#include "job/sample_file.hpp"
#include "util/error.hpp"

namespace vscsi::collect {

using Millis = std::chrono::milliseconds;

struct CollectorConfig {
    std::vector<CollectionTarget> collections;
    std::uint64_t samples = 10;
    Millis interval{60'000};
    Millis rearm_every{20 * 60'000};  // vscsiStats stops by itself after about 30 minutes
    Millis backoff_initial{1'000};
    Millis backoff_max{60'000};
    Millis give_up_after{60 * 60'000};  // no command got through for this long: fail
    std::string origin;                 // host name recorded in samples
    // Resuming after the collector died: samples 1..samples_done are on disk
    // and the first new sample follows an unobserved stretch (after_gap).
    std::uint64_t samples_done = 0;
    std::uint64_t gaps_done = 0;
    bool resumed = false;
    std::vector<std::string>
        errors_so_far;  // a collector that takes over (the VM moved) keeps them
    // Resuming: which collections the job found running when it first started
    // (CollectionRecord::found_running), in the order of `collections`.
    std::vector<bool> found_running;
    // The job's end time passed while nobody collected: stop the collections
    // and finish with what is on disk.
    bool finish_now = false;
};

// vm_left: no VM of the job is on the host any more (each collection vm_gone).
// A driver that can find where it went starts a new collector there (same job,
// counts carried over, the first sample marked after a gap); else it calls
// vm_not_followed and the job ends.
enum class ActionType { exec, wait_until, write_sample, persist, done, vm_left };

// What an exec is for: the driver keeps collection leases on starts and stops.
// A probe is a print before the first start: does a collection run already?
enum class CommandPurpose { other, probe, start, print, stop };

struct Action {
    ActionType type = ActionType::done;
    std::string command;  // exec
    CommandPurpose purpose = CommandPurpose::other;
    std::size_t target = 0;                   // exec: index into the config's collections
    TimePoint until{};                        // wait_until
    Sample sample;                            // write_sample
    JobStatus status = JobStatus::completed;  // done
    // persist: only because a sample was written (its count is on disk in the
    // sample itself; the driver may let job.json lag, see job_progress.hpp).
    bool after_sample = false;
};

struct CollectorProgress {
    std::vector<CollectionRecord> collections;
    std::uint64_t samples_written = 0;
    std::uint64_t gaps = 0;
    std::vector<std::string> errors;  // newest last, bounded
    bool stop_requested = false;
};

class CollectorFsm {
  public:
    explicit CollectorFsm(CollectorConfig config);

    // Events. Each returns the next action.
    Action start(TimePoint now);  // first: persists the plan before starting anything
    Action persisted(TimePoint now);
    Action command_done(TimePoint now, const host::CommandResult& outcome);
    Action timer_fired(TimePoint now);
    Action sample_written(TimePoint now, const Result<void>& written);
    // The file system is full (or the quota used up): the job pauses and
    // retries writing the same sample with backoff, for up to give_up_after;
    // the collection on the host keeps counting, so the next sample covers the
    // pause and no I/O is lost.
    Action sample_not_written_no_space(TimePoint now, const std::string& why, Sample sample);
    // After vm_left: nowhere to follow the VM (why: from the driver, "" when it cannot look).
    Action vm_not_followed(TimePoint now, const std::string& why);
    // Takes effect at the next event; a driver waiting on a timer fires it early.
    void request_stop() { progress_.stop_requested = true; }

    const CollectorProgress& progress() const { return progress_; }
    const CollectorConfig& config() const { return config_; }
    bool finished() const { return phase_ == Phase::done; }

  private:
    enum class Phase {
        idle,
        plan,
        probing,
        arming,
        baseline,
        waiting,
        rearming,
        printing,
        restarting,
        checking,  // a restart failed: is the VM still on this host?
        writing,
        progress,
        stopping,
        final_persist,
        vm_left,  // waiting for the driver to follow the VM, or not
        backoff,
        disk_full,
        done
    };

    Action exec_current();
    // The first collection at or after i that has not ended for good (vm_gone), or size().
    std::size_t live_from(std::size_t i) const;
    Action on_listing(TimePoint now, const host::CommandOutput& r);
    Action begin_stopping(JobStatus final_status);
    Action after_sample(TimePoint now);
    Action next_tick_wait(TimePoint now);
    Action on_print(TimePoint now, const host::CommandOutput& r);
    Action finish_printing(TimePoint now);
    void note_first_io_gaps(const VscsiStatsOutput& interval, const VscsiStatsOutput& cumulative);
    Action transport_failure(TimePoint now, const host::HostError& r);
    void note_error(std::string e);
    Action unexpected(TimePoint now, std::string_view event);
    Action persist(bool after_sample = false) {
        Action a;
        a.type = ActionType::persist;
        a.after_sample = after_sample;
        return a;
    }

    CollectorConfig config_;
    CollectorProgress progress_;
    Phase phase_ = Phase::idle;
    Phase resume_phase_ = Phase::idle;  // what a backoff retries
    std::size_t index_ = 0;
    std::vector<std::optional<VscsiStatsOutput>> previous_;  // last cumulative print per collection
    std::vector<bool> needs_restart_;
    std::vector<bool> fresh_start_;  // restarted by us: the next print counts from zero
    VscsiStatsOutput pending_;       // the sample being assembled
    std::vector<FirstIoGap> pending_first_gaps_;  // and where it holds a first IO's gap
    std::optional<Sample> unwritten_;             // waiting for space on the data directory's disk
    std::optional<TimePoint> disk_full_since_;
    bool pending_after_gap_ = false;
    TimePoint anchor_{};      // drift-free schedule: tick k at anchor + k * interval
    TimePoint last_print_{};  // start of the sample being assembled
    TimePoint this_print_{};
    TimePoint last_success_{};
    Millis backoff_{0};
    JobStatus final_status_ = JobStatus::completed;
};

}  // namespace vscsi::collect
