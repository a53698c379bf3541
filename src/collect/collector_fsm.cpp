#include "collect/collector_fsm.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "analysis/interval_delta.hpp"
#include "format/vscsistats_csv.hpp"
#include "format/vscsistats_listing.hpp"

namespace vscsi::collect {

namespace {

constexpr std::size_t kMaxErrors = 50;

Action exec(std::string command, CommandPurpose purpose, std::size_t target) {
    Action a;
    a.type = ActionType::exec;
    a.command = std::move(command);
    a.purpose = purpose;
    a.target = target;
    return a;
}

Action wait_until(TimePoint t) {
    Action a;
    a.type = ActionType::wait_until;
    a.until = t;
    return a;
}

std::string first_line(const std::string& s) {
    const auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}

// Keeps only the disks the job asked for from a whole-VM print.
void keep_wanted(VscsiStatsOutput& o, const CollectionTarget& t) {
    if (t.wanted_handles.empty()) return;
    std::erase_if(o.disks, [&](const DiskHistograms& d) {
        return std::find(t.wanted_handles.begin(), t.wanted_handles.end(), d.disk.handle_id) ==
               t.wanted_handles.end();
    });
}

}  // namespace

CollectorFsm::CollectorFsm(CollectorConfig config) : config_(std::move(config)) {
    for (std::size_t i = 0; i < config_.collections.size(); ++i)
        progress_.collections.push_back(
            {config_.collections[i],
             CollectionStatus::planned,
             {},
             {},
             i < config_.found_running.size() && config_.found_running[i]});
    previous_.resize(config_.collections.size());
    needs_restart_.assign(config_.collections.size(), false);
    fresh_start_.assign(config_.collections.size(), false);
    backoff_ = config_.backoff_initial;
    progress_.samples_written = config_.samples_done;
    progress_.errors = config_.errors_so_far;
    progress_.gaps = config_.gaps_done;
    pending_after_gap_ = config_.resumed;
}

void CollectorFsm::note_error(std::string e) {
    if (progress_.errors.size() == kMaxErrors) progress_.errors.erase(progress_.errors.begin());
    progress_.errors.push_back(std::move(e));
}

Action CollectorFsm::start(TimePoint now) {
    last_success_ = now;
    if (config_.collections.empty()) {
        note_error("nothing to collect: the job has no disks");
        final_status_ = JobStatus::failed;
        phase_ = Phase::final_persist;
        return persist();
    }
    // Record every collection before starting it, so stop/cleanup can always find it.
    for (auto& c : progress_.collections) c.state = CollectionStatus::starting;
    phase_ = Phase::plan;
    return persist();
}

std::size_t CollectorFsm::live_from(std::size_t i) const {
    while (i < progress_.collections.size() &&
           progress_.collections[i].state == CollectionStatus::vm_gone)
        ++i;
    return i;
}

Action CollectorFsm::exec_current() {
    const auto& t = config_.collections[index_];
    switch (phase_) {
        case Phase::checking:
            return exec(kListingCommand, CommandPurpose::other, index_);
        case Phase::arming:
        case Phase::rearming:
        case Phase::restarting:
            return exec(start_command(t), CommandPurpose::start, index_);
        case Phase::probing:
            return exec(print_command(t), CommandPurpose::probe, index_);
        case Phase::baseline:
        case Phase::printing:
            return exec(print_command(t), CommandPurpose::print, index_);
        case Phase::stopping:
            return exec(stop_command(t), CommandPurpose::stop, index_);
        default:
            return wait_until(last_success_);  // unreachable by construction
    }
}

Action CollectorFsm::persisted(TimePoint now) {
    switch (phase_) {
        case Phase::plan:
            if (config_.finish_now || progress_.samples_written >= config_.samples) {
                if (progress_.samples_written < config_.samples)
                    note_error(fmt::format(
                        "{}: the job's end time passed while no collector ran: finished with {} of "
                        "{} samples",
                        format_iso8601(now), progress_.samples_written, config_.samples));
                return begin_stopping(
                    JobStatus::completed);  // complete() still tells a short job apart
            }
            // A fresh job first asks whether each collection runs already (someone
            // else's: used, never stopped); a resumed one knows from its record.
            phase_ =
                progress_.samples_written == 0 && !config_.resumed ? Phase::probing : Phase::arming;
            index_ = 0;
            return exec_current();
        case Phase::progress:
            return after_sample(now);
        case Phase::final_persist: {
            phase_ = Phase::done;
            Action a;
            a.type = ActionType::done;
            a.status = final_status_;
            return a;
        }
        default:
            return unexpected(now, "persisted");
    }
}

Action CollectorFsm::transport_failure(TimePoint now, const host::HostError& r) {
    note_error(fmt::format("{}: {}", format_iso8601(now),
                           r.message.empty() ? "command did not complete" : r.message));
    if (r.fatal || now - last_success_ >= config_.give_up_after) {
        if (!r.fatal)
            note_error(fmt::format(
                "giving up: no command got through for {} s",
                std::chrono::duration_cast<std::chrono::seconds>(now - last_success_).count()));
        if (phase_ == Phase::stopping) {
            for (auto& c : progress_.collections)
                if (c.state != CollectionStatus::stopped) c.state = CollectionStatus::stop_failed;
            phase_ = Phase::final_persist;
            return persist();
        }
        // The host is unreachable: the collections cannot be stopped now.
        final_status_ = JobStatus::failed;
        for (auto& c : progress_.collections)
            if (c.state == CollectionStatus::running || c.state == CollectionStatus::starting)
                c.state = CollectionStatus::stop_failed;
        phase_ = Phase::final_persist;
        return persist();
    }
    resume_phase_ = phase_;
    phase_ = Phase::backoff;
    const auto wait = backoff_;
    backoff_ = std::min(backoff_ * 2, config_.backoff_max);
    return wait_until(now + wait);
}

Action CollectorFsm::command_done(TimePoint now, const host::CommandResult& result) {
    if (!result) return transport_failure(now, result.error());
    const auto& r = *result;
    last_success_ = now;
    backoff_ = config_.backoff_initial;
    auto& rec = progress_.collections[index_];
    const bool ok = r.exit_status == 0;
    const auto why = first_line(r.err.empty() ? r.out : r.err);
    switch (phase_) {
        case Phase::probing:
            // Any print at all means a collection runs (vscsiStats says "No stats
            // collection is running" and fails otherwise).
            rec.found_running = ok && !r.out.empty();
            if (++index_ == config_.collections.size()) {
                phase_ = Phase::arming;
                index_ = 0;
            }
            return exec_current();
        case Phase::arming:
        case Phase::rearming:
        case Phase::restarting: {
            if (ok) {
                rec.state = CollectionStatus::running;
                rec.armed_at = now;
                rec.error.clear();
            } else {
                rec.error = fmt::format("start failed (exit {}): {}", r.exit_status, why);
                note_error(fmt::format("{}: {}", rec.target.describe(), rec.error));
                if (phase_ == Phase::arming) rec.state = CollectionStatus::failed;
            }
            if (phase_ == Phase::restarting) {
                if (ok) {
                    fresh_start_[index_] = true;
                    return finish_printing(now);
                }
                phase_ = Phase::checking;  // gone from this host, or a passing failure?
                return exec_current();
            }
            if ((index_ = live_from(index_ + 1)) < config_.collections.size())
                return exec_current();
            if (phase_ == Phase::arming) {
                const bool any =
                    std::any_of(progress_.collections.begin(), progress_.collections.end(),
                                [](auto& c) { return c.state == CollectionStatus::running; });
                if (!any) {
                    note_error("no collection could be started");
                    final_status_ = JobStatus::failed;
                    phase_ = Phase::final_persist;
                    return persist();
                }
                phase_ = Phase::baseline;
                index_ = 0;
                return exec_current();
            }
            phase_ = Phase::printing;  // re-armed: now the tick's prints
            index_ = live_from(0);
            return exec_current();
        }
        case Phase::baseline:
        case Phase::printing:
            return on_print(now, r);
        case Phase::checking:
            return on_listing(now, r);
        case Phase::stopping: {
            if (ok) {
                rec.state = CollectionStatus::stopped;
                rec.error.clear();
            } else if (rec.state != CollectionStatus::failed) {
                rec.state = CollectionStatus::stop_failed;
                rec.error = fmt::format("stop failed (exit {}): {}", r.exit_status, why);
                note_error(fmt::format("{}: {}", rec.target.describe(), rec.error));
            }
            if ((index_ = live_from(index_ + 1)) < config_.collections.size())
                return exec_current();
            phase_ = Phase::final_persist;
            return persist();
        }
        default:
            return unexpected(now, "command_done");
    }
}

Action CollectorFsm::unexpected(TimePoint now, std::string_view event) {
    // A driver bug must end the job visibly, never spin.
    note_error(fmt::format("{}: internal error: event '{}' in phase {}", format_iso8601(now), event,
                           static_cast<int>(phase_)));
    final_status_ = JobStatus::failed;
    phase_ = Phase::done;
    Action a;
    a.type = ActionType::done;
    a.status = JobStatus::failed;
    return a;
}

Action CollectorFsm::on_print(TimePoint now, const host::CommandOutput& r) {
    const auto& target = config_.collections[index_];
    auto& rec = progress_.collections[index_];
    // The interval ends when the first print of the tick returned (late after a retry, too).
    if (index_ == live_from(0)) (phase_ == Phase::baseline ? last_print_ : this_print_) = now;
    VscsiStatsOutput cur;
    std::optional<ParseError> perr;  // set: the print could not be read
    if (r.exit_status == 0) {
        CsvParseOptions opt;
        opt.source = fmt::format("{} ({})", print_command(target), format_iso8601(now));
        if (auto parsed = parse_vscsistats_csv(r.out, cur, opt); !parsed) perr = parsed.error();
    }
    if (r.exit_status != 0 || (perr && perr->reason.starts_with("no histograms"))) {
        // Not collecting (auto-stopped, VM or host restarted): start again.
        rec.error =
            fmt::format("collection not running: {}", first_line(r.err.empty() ? r.out : r.err));
        note_error(fmt::format("{}: {}", target.describe(), rec.error));
        needs_restart_[index_] = true;
        previous_[index_].reset();
    } else if (perr) {
        // Unreadable output: keep the baseline, so the next sample covers this interval too.
        note_error(perr->message());
    } else {
        keep_wanted(cur, target);
        if (phase_ == Phase::printing) {
            VscsiStatsOutput interval;
            DeltaReport rep;
            if (previous_[index_]) {
                if (auto sub = subtract_cumulative(*previous_[index_], cur, interval, rep); !sub) {
                    note_error(fmt::format("{}: {}", target.describe(), sub.error().message()));
                    rep.counters_reset = true;
                    interval = cur;
                }
            } else {
                interval = cur;  // counters since the (re)start
                // Right after our own restart that is exact; otherwise the start is unknown.
                rep.counters_reset = !fresh_start_[index_];
            }
            fresh_start_[index_] = false;
            if (rep.counters_reset) {
                pending_after_gap_ = true;
                if (!rep.detail.empty())
                    note_error(fmt::format("{}: {}", target.describe(), rep.detail));
            }
            note_first_io_gaps(interval, cur);
            for (auto& d : interval.disks) pending_.disks.push_back(std::move(d));
        }
        previous_[index_] = std::move(cur);
    }
    if ((index_ = live_from(index_ + 1)) < config_.collections.size()) return exec_current();
    if (phase_ == Phase::baseline) {
        anchor_ = last_print_;
        return next_tick_wait(now);
    }
    // Restart what stopped before writing the sample.
    for (std::size_t i = 0; i < needs_restart_.size(); ++i) {
        if (needs_restart_[i]) {
            phase_ = Phase::restarting;
            index_ = i;
            needs_restart_[i] = false;
            pending_after_gap_ = true;
            return exec_current();
        }
    }
    return finish_printing(now);
}

void CollectorFsm::note_first_io_gaps(const VscsiStatsOutput& interval,
                                      const VscsiStatsOutput& cumulative) {
    // An interval that holds every IO since the collection (re)started holds
    // the first one too, whose gap reaches back to before it.
    for (const auto& d : interval.disks) {
        const auto whole = std::find_if(cumulative.disks.begin(), cumulative.disks.end(),
                                        [&](const auto& c) { return c.disk.same_disk(d.disk); });
        if (whole == cumulative.disks.end()) continue;
        for (auto dir : kAllDirections) {
            const auto* h = d.find(Metric::interarrival, dir);
            const auto* w = whole->find(Metric::interarrival, dir);
            if (h && w && h->count > 0 && h->count == w->count)
                pending_first_gaps_.push_back({d.disk.world_group_id, d.disk.handle_id, dir});
        }
    }
}

Action CollectorFsm::on_listing(TimePoint now, const host::CommandOutput& r) {
    auto& rec = progress_.collections[index_];
    VscsiStatsListing listing;
    const bool read = r.exit_status == 0 && parse_vscsistats_listing(r.out, listing).has_value();
    const auto wgid = rec.target.world_group_id;
    const bool listed = std::any_of(listing.vms.begin(), listing.vms.end(),
                                    [&](const auto& vm) { return vm.world_group_id == wgid; });
    phase_ = Phase::restarting;  // finish_printing goes on with the other restarts
    if (!read || listed) return finish_printing(now);  // still here: retried next tick
    rec.state = CollectionStatus::vm_gone;
    rec.error = fmt::format(
        "{}: the VM (worldGroupID {}) is no longer on this host: moved by vMotion, powered off or "
        "unregistered; its collection ended here",
        format_iso8601(now), wgid);
    note_error(fmt::format("{}: {}", rec.target.describe(), rec.error));
    if (live_from(0) == progress_.collections.size()) {
        // Nothing is pending: every collection failed its print this tick.
        phase_ = Phase::vm_left;
        Action a;
        a.type = ActionType::vm_left;
        return a;
    }
    return finish_printing(now);
}

Action CollectorFsm::vm_not_followed(TimePoint now, const std::string& why) {
    if (phase_ != Phase::vm_left) return unexpected(now, "vm_not_followed");
    note_error(
        fmt::format("{}: no VM of the job is on host {} any more: the job ends with {} samples{}",
                    format_iso8601(now), config_.origin, progress_.samples_written,
                    why.empty() ? "; start a job on the VM's new host to go on (vscsi host "
                                  "discover --vcenter finds it), "
                                  "or start it with --vcenter to follow the VM"
                                : ": " + why));
    final_status_ = JobStatus::failed;
    phase_ = Phase::final_persist;
    return persist();
}

Action CollectorFsm::finish_printing(TimePoint now) {
    for (std::size_t i = index_ + 1; phase_ == Phase::restarting && i < needs_restart_.size();
         ++i) {
        if (needs_restart_[i]) {
            index_ = i;
            needs_restart_[i] = false;
            return exec_current();
        }
    }
    if (pending_.disks.empty()) {
        // Nothing usable this tick; the next sample covers it (or starts after the gap).
        return next_tick_wait(now);
    }
    Action a;
    a.type = ActionType::write_sample;
    a.sample.header.seq = progress_.samples_written + 1;
    a.sample.header.start = last_print_;
    a.sample.header.end = this_print_;
    a.sample.header.origin = config_.origin;
    a.sample.header.after_gap = pending_after_gap_;
    a.sample.data = std::move(pending_);
    a.sample.header.first_io_gaps = std::move(pending_first_gaps_);
    pending_first_gaps_.clear();
    if (pending_after_gap_) ++progress_.gaps;
    pending_ = {};
    pending_after_gap_ = false;
    last_print_ = this_print_;
    phase_ = Phase::writing;
    return a;
}

Action CollectorFsm::sample_written(TimePoint now, const Result<void>& written) {
    if (written && disk_full_since_) {
        note_error(fmt::format("{}: sample {} written: the data directory has space again",
                               format_iso8601(now), progress_.samples_written + 1));
        disk_full_since_.reset();
        backoff_ = config_.backoff_initial;
    }
    if (!written) {
        note_error(fmt::format("cannot write sample {}: {}", progress_.samples_written + 1,
                               written.error().message()));
        return begin_stopping(JobStatus::failed);
    }
    ++progress_.samples_written;
    phase_ = Phase::progress;
    (void)now;
    return persist(true);
}

Action CollectorFsm::sample_not_written_no_space(TimePoint now, const std::string& why,
                                                 Sample sample) {
    if (phase_ != Phase::writing) return unexpected(now, "sample_not_written_no_space");
    if (!disk_full_since_) {
        disk_full_since_ = now;
        backoff_ = config_.backoff_initial;
    }
    if (now - *disk_full_since_ >= config_.give_up_after) {
        note_error(fmt::format(
            "cannot write sample {}: {}; gave up after {} s without space", sample.header.seq, why,
            std::chrono::duration_cast<std::chrono::seconds>(now - *disk_full_since_).count()));
        return begin_stopping(JobStatus::failed);
    }
    const auto wait = backoff_;
    backoff_ = std::min(backoff_ * 2, config_.backoff_max);
    note_error(fmt::format(
        "{}: cannot write sample {}: {}: paused, the sample is kept and written when there is "
        "space (next try in {} s); vscsiStats keeps counting, so nothing is lost",
        format_iso8601(now), sample.header.seq, why,
        std::chrono::duration_cast<std::chrono::seconds>(wait).count()));
    unwritten_ = std::move(sample);
    phase_ = Phase::disk_full;
    return wait_until(now + wait);
}

Action CollectorFsm::after_sample(TimePoint now) {
    if (progress_.samples_written >= config_.samples) return begin_stopping(JobStatus::completed);
    return next_tick_wait(now);
}

Action CollectorFsm::next_tick_wait(TimePoint now) {
    if (progress_.stop_requested) return begin_stopping(JobStatus::stopped);
    // The first tick strictly after now: late ticks are skipped, never bunched.
    const auto elapsed = now - anchor_;
    const auto k = elapsed.count() < 0 ? 1 : elapsed / config_.interval + 1;
    phase_ = Phase::waiting;
    return wait_until(anchor_ + config_.interval * k);
}

Action CollectorFsm::timer_fired(TimePoint now) {
    if (progress_.stop_requested && phase_ != Phase::stopping && phase_ != Phase::final_persist &&
        phase_ != Phase::done)
        return begin_stopping(JobStatus::stopped);
    if (phase_ == Phase::backoff) {
        phase_ = resume_phase_;
        return exec_current();
    }
    if (phase_ == Phase::disk_full) {
        phase_ = Phase::writing;
        Action a;
        a.type = ActionType::write_sample;
        a.sample = std::move(*unwritten_);
        unwritten_.reset();
        return a;
    }
    if (phase_ != Phase::waiting) return unexpected(now, "timer_fired");
    index_ = live_from(0);
    const bool rearm =
        std::any_of(progress_.collections.begin(), progress_.collections.end(), [&](auto& c) {
            return c.state == CollectionStatus::running && c.armed_at &&
                   now - *c.armed_at >= config_.rearm_every;
        });
    phase_ = rearm ? Phase::rearming : Phase::printing;
    return exec_current();
}

Action CollectorFsm::begin_stopping(JobStatus final_status) {
    final_status_ = final_status;
    phase_ = Phase::stopping;
    index_ = live_from(0);
    if (index_ == config_.collections.size()) {
        phase_ = Phase::final_persist;
        return persist();
    }
    return exec_current();
}

}  // namespace vscsi::collect
