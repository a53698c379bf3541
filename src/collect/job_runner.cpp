#include "collect/job_runner.hpp"

#include <fmt/core.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>

#include "collect/host_inventory.hpp"
#include "collect/job_progress.hpp"
#include "collect/target_selection.hpp"

namespace vscsi::collect {
namespace asio = boost::asio;

JobRunner::JobRunner(asio::any_io_executor ex, JobDir dir, JobMeta meta, CollectorConfig config,
                     host::HostShell& link, std::chrono::milliseconds command_timeout)
    : dir_(std::move(dir)),
      meta_(std::move(meta)),
      fsm_(std::move(config)),
      link_(&link),
      command_timeout_(command_timeout),
      timer_(ex),
      leases_(dir_.root().parent_path().parent_path(), lease_host(meta_.host)) {}

void JobRunner::request_stop() {
    fsm_.request_stop();
    timer_.cancel();
}

void JobRunner::persist(TimePoint now, bool after_sample) {
    apply_progress(meta_, fsm_.progress(), now);  // what status shows, at once
    if (!job_json_.due(fsm_.progress(), now, after_sample)) return;
    if (auto ec = dir_.save_meta(meta_)) {
        // The samples are safe; job.json will be rewritten at the next step.
        job_json_.failed();
        fmt::print(stderr, "vscsi: cannot write {}: {}\n", dir_.job_json().string(), ec.message());
        return;
    }
    job_json_.written(fsm_.progress(), now);
}

asio::awaitable<Result<void>> JobRunner::follow_vm() {
    if (meta_.targets.size() != 1)
        co_return Error{ErrorKind::failure, "only a job of one VM follows its VM", ""};
    const auto& target = meta_.targets.front();
    const auto left = meta_.host.hostname;
    auto moved = co_await locate_vm(target.vm_name, left);
    if (!moved) co_return moved.error();
    auto inv = co_await fetch_inventory(*moved->link);
    if (!inv) co_return inv.error();
    std::vector<std::string> labels;
    for (const auto& d : target.disks) labels.push_back(d.label);
    // Named, not braced in the call: GCC 12 mishandles initializer lists in coroutines.
    const std::vector<std::string> vms{target.vm_name};
    auto picked = select_targets(inv->listing, vms, labels);
    if (!picked) co_return picked.error();
    const auto now = now_ms();
    auto config = fsm_.config();
    config.collections = picked->collections;
    config.origin = moved->hostname;
    config.samples_done = fsm_.progress().samples_written;
    config.gaps_done = fsm_.progress().gaps;
    config.resumed = true;  // the first sample there follows the unobserved move
    config.found_running.clear();
    config.finish_now = false;
    config.errors_so_far = fsm_.progress().errors;
    config.errors_so_far.push_back(
        fmt::format("{}: {} moved from {} to {} (worldGroupID {} there): collection goes on there",
                    format_iso8601(now), target.vm_name, left, moved->hostname,
                    picked->targets.front().world_group_id));
    fsm_ = CollectorFsm(std::move(config));
    followed_link_ = std::move(moved->link);
    link_ = followed_link_.get();
    meta_.host.hostname = moved->hostname;
    meta_.host.fingerprint = inv->fingerprint;
    meta_.targets = picked->targets;
    if (meta_.plan) {
        meta_.plan->collections = picked->collections;
        meta_.plan->ssh.host = moved->hostname;
    }
    meta_.hosts.push_back({moved->hostname, now, picked->targets.front().world_group_id});
    leases_ = CollectionLeases(dir_.root().parent_path().parent_path(), lease_host(meta_.host));
    job_json_.failed();  // the next persist writes: a new host is more than a count
    co_return Result<void>{};
}

asio::awaitable<JobStatus> JobRunner::run() {
    meta_.status = JobStatus::running;
    if (!meta_.collection.started_at) meta_.collection.started_at = now_ms();  // kept when resumed
    meta_.collection.samples_expected = fsm_.config().samples;
    auto action = fsm_.start(now_ms());
    for (;;) {
        switch (action.type) {
            case ActionType::exec: {
                const auto& target = fsm_.config().collections.at(action.target);
                const auto joined = [](const std::vector<std::string>& jobs) {
                    std::string list;
                    for (const auto& o : jobs) list += (list.empty() ? "" : ", ") + o;
                    return list;
                };
                if (action.purpose == CommandPurpose::probe) {
                    // Running for another job of ours is not running for someone else:
                    // answer for the host (someone else's only if marked so).
                    if (const auto others = leases_.holders(target, meta_.job_id);
                        !others.empty()) {
                        host::CommandOutput known;
                        known.exit_status = leases_.outside(target) ? 0 : 1;
                        known.out = fmt::format("collected for job(s) {}", joined(others));
                        action = fsm_.command_done(now_ms(), known);
                        break;
                    }
                }
                if (action.purpose == CommandPurpose::start)
                    leases_.take(target, meta_.job_id,
                                 fsm_.progress().collections.at(action.target).found_running);
                if (action.purpose == CommandPurpose::stop) {
                    const auto released = leases_.release(target, meta_.job_id);
                    if (released.whole_vm)
                        action.command = stop_command({target.world_group_id, std::nullopt, {}});
                    if (!released.others.empty() || released.outside) {
                        // Another job of this data directory still collects it, or it
                        // was someone else's before any job of ours used it.
                        host::CommandOutput kept;
                        kept.out = released.outside
                                       ? "left running: it was collecting before this job "
                                         "started it (not started by vscsi)"
                                       : fmt::format("left running: job(s) {} still collect it",
                                                     joined(released.others));
                        action = fsm_.command_done(now_ms(), kept);
                        break;
                    }
                }
                auto outcome = co_await link_->run(action.command, command_timeout_);
                if (meta_.host.fingerprint.empty()) meta_.host.fingerprint = link_->fingerprint();
                action = fsm_.command_done(now_ms(), outcome);
                break;
            }
            case ActionType::wait_until: {
                const auto wait = action.until - now_ms();
                if (wait.count() > 0 && !fsm_.progress().stop_requested) {
                    next_wake_ = action.until;
                    timer_.expires_after(wait);
                    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
                }
                next_wake_.reset();
                action = fsm_.timer_fired(now_ms());
                break;
            }
            case ActionType::write_sample: {
                const auto ec = dir_.write_sample(action.sample.header, action.sample.data);
                if (ec == boost::system::errc::no_space_on_device ||
                    ec.value() == EDQUOT) {  // a full disk or quota: pause, not fail
                    const auto why = ec.message();
                    action =
                        fsm_.sample_not_written_no_space(now_ms(), why, std::move(action.sample));
                    persist(now_ms());  // says why; may fail too, job.json is rewritten later
                    break;
                }
                if (!ec && on_sample) on_sample(action.sample);
                Result<void> written;
                if (ec)
                    written =
                        Error{ErrorKind::failure, ec.message(),
                              "free space in the data directory; the samples so far are kept"};
                action = fsm_.sample_written(now_ms(), written);
                break;
            }
            case ActionType::persist:
                persist(now_ms(), action.after_sample);
                action = fsm_.persisted(now_ms());
                break;
            case ActionType::vm_left: {
                if (!locate_vm) {
                    action = fsm_.vm_not_followed(now_ms(), "");
                    break;
                }
                auto followed = co_await follow_vm();
                action = followed ? fsm_.start(now_ms())
                                  : fsm_.vm_not_followed(now_ms(), followed.error().message());
                break;
            }
            case ActionType::done:
                meta_.status = action.status;
                meta_.collection.completed_at = now_ms();
                persist(now_ms());
                co_return action.status;
        }
    }
}

}  // namespace vscsi::collect
