// The collection lifecycle with a fake clock and a scripted host: no SSH, no files.
#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <sstream>

#include "collect/collector_fsm.hpp"
#include "collect/job_progress.hpp"
#include "fixtures.hpp"
#include "format/vscsistats_csv.hpp"
#include "sim/workload_model.hpp"

using namespace vscsi;
using namespace vscsi::collect;
using namespace std::chrono_literals;

namespace {

const TimePoint t0 = *parse_iso8601("2026-06-01T00:00:00Z");

// A host whose vscsiStats counts 10 IOs per second per disk, cumulatively since
// the collection started, and stops by itself 30 minutes after the last -s.
struct FakeHost {
    struct Collection {
        bool running = false;
        TimePoint started{}, armed{};
    };
    std::map<std::int64_t, Collection> vms;
    DiskHistograms per_second;
    TimePoint down_from = TimePoint::max(), down_until{};
    int garbage_prints = 0;
    bool stop_fails = false;
    bool start_fails = false;
    std::vector<std::string> log;

    FakeHost() {
        WorkloadModel m;
        m.iops = 10;
        per_second = synthesize_interval(m, {0, 8194, "scsi0:0"}, 1, 1);
    }

    std::string print(std::int64_t wgid, TimePoint now) {
        const auto secs = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::seconds>(now - vms[wgid].started).count());
        VscsiStatsOutput o;
        auto d = per_second;
        d.disk.world_group_id = wgid;
        for (auto& h : d.slots) {
            for (auto& f : h.frequencies) f *= secs;
            h.count *= secs;
        }
        o.disks.push_back(d);
        return format_vscsistats_csv(o);
    }

    std::map<std::int64_t, TimePoint> gone_at;  // the VM leaves the host (vMotion) then
    bool listing_fails = false;
    TimePoint start_fails_from = TimePoint::max(), start_fails_until{};

    bool gone(std::int64_t wgid, TimePoint now) const {
        const auto g = gone_at.find(wgid);
        return g != gone_at.end() && now >= g->second;
    }

    host::CommandResult exec(const std::string& cmd, TimePoint now) {
        log.push_back(cmd);
        if (now >= down_from && now < down_until) return host::HostError{"connection refused"};
        if (cmd == "vscsiStats -l") {
            if (listing_fails) return host::CommandOutput{1, "", "vscsiStats: busy"};
            std::string out;
            for (const auto& [id, c] : vms)
                if (!gone(id, now))
                    out += "Virtual Machine worldGroupID: " + std::to_string(id) +
                           ", Virtual Machine Display Name: vm" + std::to_string(id) +
                           ", Virtual Machine Config File: /vmfs/volumes/ds/vm.vmx, {\n"
                           " Virtual SCSI Disk handleID: 8194 (scsi0:0)\n}\n";
            return host::CommandOutput{0, out, ""};
        }
        if (const auto at = cmd.find("-w ");
            at != std::string::npos && gone(std::stoll(cmd.substr(at + 3)), now))
            return host::CommandOutput{1, "", "vscsiStats: Invalid worldGroupID"};
        std::istringstream in(cmd);
        std::string prog, op;
        in >> prog >> op;
        if (op == "-p") in >> op;  // "all"
        std::string w;
        std::int64_t wgid = 0;
        in >> op >> w;  // "-c" then "-w"? handle both shapes below
        if (op == "-c") in >> w;
        (void)w;
        const auto pos = cmd.find("-w ");
        wgid = std::stoll(cmd.substr(pos + 3));
        auto& c = vms[wgid];
        if (c.running && now - c.armed >= 30min) c.running = false;  // auto-stop
        if (cmd.find(" -s ") != std::string::npos) {
            if (start_fails || (now >= start_fails_from && now < start_fails_until))
                return host::CommandOutput{1, "", "vscsiStats: invalid worldGroupID"};
            if (!c.running) c.started = now;
            c.running = true;
            c.armed = now;
            return host::CommandOutput{
                0,
                "vscsiStats: Starting Vscsi stats collection for worldGroup " +
                    std::to_string(wgid),
                ""};
        }
        if (cmd.find(" -x ") != std::string::npos) {
            if (stop_fails) return host::CommandOutput{1, "", "vscsiStats: stop failed"};
            c.running = false;
            return host::CommandOutput{0, "", ""};
        }
        if (!c.running)
            return host::CommandOutput{
                255, "", "vscsiStats: No stats collection is running for worldGroupID"};
        if (garbage_prints > 0) {
            --garbage_prints;
            return host::CommandOutput{0,
                                       "Histogram: IO lengths of commands,virtual machine "
                                       "worldGroupID,1,virtual disk handleID,2\nmin,x\n",
                                       ""};
        }
        return host::CommandOutput{0, print(wgid, now), ""};
    }
};

struct Run {
    std::vector<Sample> samples;
    std::vector<TimePoint> waits;
    int persists = 0;
    int vm_left = 0;
    JobStatus status = JobStatus::pending;
    TimePoint end{};
};

// Drives the FSM like the real async shell would, with a fake clock.
Run drive(CollectorFsm& fsm, FakeHost& host, Millis command_latency = 0ms,
          std::optional<TimePoint> stop_at = std::nullopt,
          const std::function<bool(TimePoint)>& disk_full = {}) {
    Run r;
    TimePoint now = t0;
    auto a = fsm.start(now);
    for (int steps = 0; steps < 100000; ++steps) {
        switch (a.type) {
            case ActionType::exec:
                now += command_latency;
                a = fsm.command_done(now, host.exec(a.command, now));
                break;
            case ActionType::wait_until:
                r.waits.push_back(a.until);
                if (stop_at && a.until > *stop_at && now < *stop_at) {
                    now = *stop_at;  // the user asks to stop: the driver fires the timer early
                    fsm.request_stop();
                } else {
                    now = std::max(now, a.until);
                }
                a = fsm.timer_fired(now);
                break;
            case ActionType::write_sample:
                if (disk_full && disk_full(now)) {
                    a = fsm.sample_not_written_no_space(now, "No space left on device",
                                                        std::move(a.sample));
                    break;
                }
                r.samples.push_back(a.sample);
                a = fsm.sample_written(now, {});
                break;
            case ActionType::persist:
                ++r.persists;
                a = fsm.persisted(now);
                break;
            case ActionType::vm_left:
                ++r.vm_left;
                a = fsm.vm_not_followed(now, "");
                break;
            case ActionType::done:
                r.status = a.status;
                r.end = now;
                return r;
        }
    }
    FAIL("the collector did not finish");
    return r;
}

CollectorConfig config(std::uint64_t samples, Millis interval) {
    CollectorConfig c;
    c.collections = {{2099979, std::nullopt, {}}};
    c.samples = samples;
    c.interval = interval;
    c.origin = "esxi01";
    return c;
}

// Plan persisted, probe, -s, baseline print: the collector now waits for the first tick.
Action to_first_wait(CollectorFsm& fsm, FakeHost& host, TimePoint now) {
    auto a = fsm.start(now);
    a = fsm.persisted(now);
    REQUIRE(a.purpose == CommandPurpose::probe);
    a = fsm.command_done(now, host.exec(a.command, now));
    a = fsm.command_done(now, host.exec(a.command, now));
    a = fsm.command_done(now, host.exec(a.command, now));
    REQUIRE(a.type == ActionType::wait_until);
    return a;
}

std::uint64_t ios(const Sample& s) {
    return s.data.disks.at(0).find(Metric::io_length, Direction::total)->count;
}
std::int64_t secs(TimePoint a, TimePoint b) {
    return std::chrono::duration_cast<std::chrono::seconds>(b - a).count();
}

}  // namespace

TEST_CASE("a job starts, samples on schedule, stops vscsiStats and completes", "[collect]") {
    FakeHost host;
    CollectorFsm fsm(config(3, 60s));
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::completed);
    REQUIRE(r.samples.size() == 3);
    // The probe (is a collection running already?), -s, the baseline, 3 prints, -x.
    CHECK(host.log == std::vector<std::string>{
                          "vscsiStats -p all -c -w 2099979", "vscsiStats -s -w 2099979",
                          "vscsiStats -p all -c -w 2099979", "vscsiStats -p all -c -w 2099979",
                          "vscsiStats -p all -c -w 2099979", "vscsiStats -p all -c -w 2099979",
                          "vscsiStats -x -w 2099979"});
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(r.samples[i].header.seq == i + 1);
        CHECK(r.samples[i].header.start == t0 + 60s * static_cast<int>(i));
        CHECK(r.samples[i].header.end == t0 + 60s * static_cast<int>(i + 1));
        CHECK(ios(r.samples[i]) == 600);  // 10 IOPS x 60 s: differences of cumulative prints
        CHECK_FALSE(r.samples[i].header.after_gap);
    }
    CHECK(r.persists == 5);  // the plan before -s, one per sample, the final state
    // The baseline print after -s counted nothing: the first sample holds each
    // direction's first IO, whose gap reaches back before -s.
    using G = FirstIoGap;
    CHECK(r.samples[0].header.first_io_gaps == std::vector<G>{{2099979, 8194, Direction::total},
                                                              {2099979, 8194, Direction::read},
                                                              {2099979, 8194, Direction::write}});
    CHECK(r.samples[1].header.first_io_gaps.empty());
    CHECK(fsm.progress().collections[0].state == CollectionStatus::stopped);
    CHECK_FALSE(fsm.progress().collections[0].found_running);
}

TEST_CASE("the schedule does not drift when commands are slow", "[collect]") {
    FakeHost host;
    CollectorFsm fsm(config(5, 60s));
    const auto r = drive(fsm, host, 1500ms);
    // probe, -s and baseline print returned at t0+4.5s: ticks at +64, +124, ... whatever
    // each tick costs
    for (std::size_t i = 0; i < r.waits.size(); ++i)
        CHECK(secs(t0, r.waits[i]) == 4 + 60 * static_cast<int>(i + 1));
    std::uint64_t total = 0;
    for (const auto& s : r.samples) total += ios(s);
    // the fake host counts whole seconds since its -s: allow one second of granularity
    const auto expected = 10.0 * static_cast<double>(secs(r.samples.front().header.start,
                                                          r.samples.back().header.end));
    CHECK(static_cast<double>(total) == Catch::Detail::Approx(expected).margin(10));
}

TEST_CASE("long jobs re-arm before the 30-minute auto-stop and lose no interval", "[collect]") {
    FakeHost host;
    auto c = config(9, 10min);
    CollectorFsm fsm(c);
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::completed);
    REQUIRE(r.samples.size() == 9);
    const auto rearms =
        std::count(host.log.begin(), host.log.end(), std::string("vscsiStats -s -w 2099979"));
    CHECK(rearms == 1 + 4);  // start, then every 20 minutes over 90 minutes
    for (const auto& s : r.samples) {
        CHECK(ios(s) == 6000);
        CHECK_FALSE(s.header.after_gap);
    }
    CHECK(fsm.progress().gaps == 0);
}

TEST_CASE("a collection found stopped is restarted and the gap is marked", "[collect]") {
    FakeHost host;
    auto c = config(6, 10min);
    c.rearm_every = 24h;  // never re-arm: vscsiStats stops itself after 30 minutes
    CollectorFsm fsm(c);
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::completed);
    REQUIRE(r.samples.size() == 6);
    CHECK(fsm.progress().gaps >= 1);
    bool saw_gap = false;
    for (const auto& s : r.samples) saw_gap = saw_gap || s.header.after_gap;
    CHECK(saw_gap);
    CHECK_THAT(fsm.progress().errors.front(), Catch::Contains("collection not running"));
}

TEST_CASE("a connection outage backs off exponentially and the next sample covers it",
          "[collect]") {
    FakeHost host;
    host.down_from = t0 + 90s;
    host.down_until = t0 + 200s;
    CollectorFsm fsm(config(4, 60s));
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::completed);
    REQUIRE(r.samples.size() == 4);
    // waits during the outage: 120 (tick, fails) then +1, +2, +4, +8, +16, +32, +64 s
    std::vector<std::int64_t> w;
    for (auto t : r.waits) w.push_back(secs(t0, t));
    CHECK(w[0] == 60);
    CHECK(w[1] == 120);
    CHECK(w[2] == 121);
    CHECK(w[3] == 123);
    CHECK(w[4] == 127);
    CHECK(w[5] == 135);
    // no I/O lost: the samples add up to the whole collection time
    std::uint64_t total = 0;
    for (const auto& s : r.samples) total += ios(s);
    CHECK(total == 10u * static_cast<std::uint64_t>(
                             secs(r.samples.front().header.start, r.samples.back().header.end)));
    CHECK(fsm.progress().gaps == 0);
    CHECK_THAT(fsm.progress().errors.front(), Catch::Contains("connection refused"));
}

TEST_CASE("a full disk pauses the job; the sample is written when there is space, nothing lost",
          "[collect][disk]") {
    FakeHost host;
    CollectorFsm fsm(config(4, 60s));
    // No space from t0+100 s to t0+250 s: sample 2 (due at 120 s) waits.
    const auto r = drive(fsm, host, 0ms, std::nullopt,
                         [](TimePoint now) { return now >= t0 + 100s && now < t0 + 250s; });
    CHECK(r.status == JobStatus::completed);
    REQUIRE(r.samples.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) CHECK(r.samples[i].header.seq == i + 1);
    // Retries back off (1, 2, 4 ... s) until the disk has space again.
    CHECK(r.samples[1].header.end == t0 + 120s);
    CHECK(r.samples[2].header.start == t0 + 120s);  // the next sample covers the pause
    CHECK(secs(t0, r.samples[2].header.end) > 250);
    std::uint64_t total = 0;
    for (const auto& s : r.samples) total += ios(s);
    CHECK(total == 10u * static_cast<std::uint64_t>(
                             secs(r.samples.front().header.start, r.samples.back().header.end)));
    CHECK(fsm.progress().gaps == 0);
    bool paused = false, resumed = false;
    for (const auto& e : fsm.progress().errors) {
        paused = paused || e.find("cannot write sample 2: No space left on device: paused") !=
                               std::string::npos;
        resumed = resumed || e.find("sample 2 written: the data directory has space again") !=
                                 std::string::npos;
    }
    CHECK(paused);
    CHECK(resumed);
}

TEST_CASE("a disk full for longer than give_up_after fails the job", "[collect][disk]") {
    FakeHost host;
    auto c = config(10, 60s);
    c.give_up_after = 10min;
    CollectorFsm fsm(c);
    const auto r =
        drive(fsm, host, 0ms, std::nullopt, [](TimePoint now) { return now >= t0 + 100s; });
    CHECK(r.status == JobStatus::failed);
    CHECK(r.samples.size() == 1);
    CHECK_THAT(fsm.progress().errors.back(), Catch::Contains("gave up after"));
    CHECK(fsm.progress().collections[0].state == CollectionStatus::stopped);  // stopped on the host
}

TEST_CASE("a host unreachable for too long fails the job and says cleanup is pending",
          "[collect]") {
    FakeHost host;
    host.down_from = t0 + 30s;
    host.down_until = TimePoint::max();
    auto c = config(10, 60s);
    c.give_up_after = 10min;
    CollectorFsm fsm(c);
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::failed);
    CHECK(fsm.progress().collections[0].state == CollectionStatus::stop_failed);
    CHECK_THAT(fsm.progress().errors.back(), Catch::Contains("giving up"));
    CHECK(secs(t0, r.end) >= 600);
}

TEST_CASE("a stop request stops vscsiStats and keeps what was collected", "[collect]") {
    FakeHost host;
    CollectorFsm fsm(config(10, 60s));
    const auto r = drive(fsm, host, 0ms, t0 + 150s);
    CHECK(r.status == JobStatus::stopped);
    CHECK(r.samples.size() == 2);
    CHECK(host.log.back() == "vscsiStats -x -w 2099979");
    CHECK(fsm.progress().collections[0].state == CollectionStatus::stopped);
}

TEST_CASE("a failed stop is recorded for cleanup", "[collect]") {
    FakeHost host;
    host.stop_fails = true;
    CollectorFsm fsm(config(1, 60s));
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::completed);
    CHECK(fsm.progress().collections[0].state == CollectionStatus::stop_failed);
    CHECK_THAT(fsm.progress().collections[0].error,
               Catch::Contains("stop failed (exit 1): vscsiStats: stop failed"));
}

TEST_CASE("unreadable output is reported and the next sample covers both intervals", "[collect]") {
    FakeHost host;
    CollectorFsm fsm(config(2, 60s));
    TimePoint now = t0;
    auto a = to_first_wait(fsm, host, now);
    host.garbage_prints = 1;
    now = a.until;
    a = fsm.timer_fired(now);
    a = fsm.command_done(now, host.exec(a.command, now));
    REQUIRE(a.type == ActionType::wait_until);  // no sample this tick
    CHECK_THAT(fsm.progress().errors.back(), Catch::Contains("min: 'x' is not an integer"));
    now = a.until;
    a = fsm.timer_fired(now);
    a = fsm.command_done(now, host.exec(a.command, now));
    REQUIRE(a.type == ActionType::write_sample);
    CHECK(ios(a.sample) == 1200);
    CHECK(secs(a.sample.header.start, a.sample.header.end) == 120);
}

TEST_CASE("several collections: whole VM filtered to the wanted disks, and per disk", "[collect]") {
    FakeHost host;
    auto c = config(2, 60s);
    c.collections = {{2099979, std::nullopt, {8194}}, {2100417, std::nullopt, {9999}}};
    CollectorFsm fsm(c);
    const auto r = drive(fsm, host);
    REQUIRE(r.samples.size() == 2);
    CHECK(r.samples[0].data.disks.size() == 1);  // the second VM's disk 8194 is not wanted
    CHECK(r.samples[0].data.disks[0].disk.world_group_id == 2099979);
    CHECK(start_command({7, 8194, {}}) == "vscsiStats -s -w 7 -i 8194");
    CHECK(print_command({7, 8194, {}}) == "vscsiStats -p all -c -w 7 -i 8194");
    CHECK(stop_command({7, std::nullopt, {}}) == "vscsiStats -x -w 7");
}

TEST_CASE("a job whose collections cannot start fails without sampling", "[collect]") {
    FakeHost host;
    host.start_fails = true;
    CollectorFsm fsm(config(3, 60s));
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::failed);
    CHECK(r.samples.empty());
    CHECK_THAT(fsm.progress().errors.back(), Catch::Contains("no collection could be started"));
}

TEST_CASE("a sample that cannot be written fails the job and stops vscsiStats", "[collect]") {
    FakeHost host;
    CollectorFsm fsm(config(3, 60s));
    TimePoint now = t0;
    auto a = to_first_wait(fsm, host, now);
    now = a.until;
    a = fsm.timer_fired(now);
    a = fsm.command_done(now, host.exec(a.command, now));
    REQUIRE(a.type == ActionType::write_sample);
    a = fsm.sample_written(now, Error{ErrorKind::failure, "No space left on device", ""});
    REQUIRE(a.type == ActionType::exec);
    CHECK(a.command == "vscsiStats -x -w 2099979");
    a = fsm.command_done(now, host.exec(a.command, now));
    a = fsm.persisted(now);
    CHECK(a.type == ActionType::done);
    CHECK(a.status == JobStatus::failed);
}

TEST_CASE("a fatal transport error (host key changed) ends the job at once", "[collect]") {
    CollectorFsm fsm(config(3, 60s));
    auto a = fsm.start(t0);
    a = fsm.persisted(t0);
    a = fsm.command_done(t0 + 1s, host::HostError{"HOST KEY CHANGED for [127.0.0.1]:2222", true});
    REQUIRE(a.type == ActionType::persist);
    a = fsm.persisted(t0 + 1s);
    CHECK(a.type == ActionType::done);
    CHECK(a.status == JobStatus::failed);
    CHECK(fsm.progress().collections[0].state == CollectionStatus::stop_failed);
    CHECK_THAT(fsm.progress().errors.back(), Catch::Contains("HOST KEY CHANGED"));
}

#include "collect/target_selection.hpp"
#include "format/vscsistats_listing.hpp"

TEST_CASE("targets are matched locally by name or ID; only numbers go into commands",
          "[collect][select]") {
    VscsiStatsListing l;
    test::require_parsed(
        parse_vscsistats_listing("Virtual Machine worldGroupID: 11, Virtual Machine Display Name: "
                                 "db; rm -rf /, Virtual Machine Config File: /a.vmx, {\n"
                                 " Virtual SCSI Disk handleID: 8194 (scsi0:0)\n Virtual SCSI Disk "
                                 "handleID: 8195 (scsi0:1)\n}\n"
                                 "Virtual Machine worldGroupID: 22, Virtual Machine Display Name: "
                                 "Web, Virtual Machine Config File: /b.vmx, {\n"
                                 " Virtual SCSI Disk handleID: 9000 (scsi0:0)\n}\n",
                                 l));
    auto s = select_targets(l, {"db; rm -rf /"}, {}).value();
    REQUIRE(s.collections.size() == 1);
    CHECK(start_command(s.collections[0]) == "vscsiStats -s -w 11");
    s = select_targets(l, {"11", "web"}, {"scsi0:1", "9000"}).value();
    REQUIRE(s.targets.size() == 2);
    CHECK(s.targets[0].disks.size() == 1);
    CHECK(print_command(s.collections[0]) == "vscsiStats -p all -c -w 11 -i 8195");
    CHECK(print_command(s.collections[1]) == "vscsiStats -p all -c -w 22");  // all of Web's disks
    const auto nope = select_targets(l, {"nope"}, {});
    REQUIRE_FALSE(nope.has_value());
    CHECK_THAT(nope.error().message(), Catch::Contains("no powered-on VM 'nope'") &&
                                           Catch::Contains("Web (worldGroupID 22)"));
    const auto no_disk = select_targets(l, {"Web"}, {"scsi1:0"});
    REQUIRE_FALSE(no_disk.has_value());
    CHECK(no_disk.error().kind == ErrorKind::usage);
    CHECK_THAT(no_disk.error().message(), Catch::Contains("has no disk matching"));
}

TEST_CASE("a resumed job continues the sample count and marks its first new sample after a gap",
          "[collect][resume]") {
    FakeHost host;
    host.vms[2099979] = {true, t0 - 10min, t0 - 10min};  // still collecting since before the crash
    auto c = config(5, 60s);
    c.samples_done = 3;
    c.gaps_done = 1;
    c.resumed = true;
    CollectorFsm fsm(c);
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::completed);
    REQUIRE(r.samples.size() == 2);
    CHECK(r.samples[0].header.seq == 4);
    CHECK(r.samples[0].header.after_gap);  // what happened while no collector ran is unknown
    CHECK(r.samples[1].header.seq == 5);
    CHECK_FALSE(r.samples[1].header.after_gap);
    CHECK(ios(r.samples[1]) == 600);
    CHECK(fsm.progress().samples_written == 5);
    CHECK(fsm.progress().gaps == 2);
    CHECK(host.log.front() == "vscsiStats -s -w 2099979");  // re-armed before anything else
    CHECK(host.log.back() == "vscsiStats -x -w 2099979");
}

TEST_CASE("a job found past its end time is stopped on the host and finished with what it has",
          "[collect][resume]") {
    FakeHost host;
    host.vms[2099979] = {true, t0 - 10min, t0 - 10min};
    auto c = config(5, 60s);
    c.samples_done = 2;
    c.resumed = true;
    c.finish_now = true;
    CollectorFsm fsm(c);
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::completed);
    CHECK(r.samples.empty());
    CHECK(host.log == std::vector<std::string>{"vscsiStats -x -w 2099979"});
    CHECK(fsm.progress().samples_written == 2);
    REQUIRE_FALSE(fsm.progress().errors.empty());
    CHECK(fsm.progress().errors.back().find("finished with 2 of 5 samples") != std::string::npos);
    CHECK(fsm.progress().collections[0].state == CollectionStatus::stopped);
}

TEST_CASE("a job resumed with all its samples on disk only stops vscsiStats", "[collect][resume]") {
    FakeHost host;
    host.vms[2099979] = {true, t0 - 10min, t0 - 10min};
    auto c = config(3, 60s);
    c.samples_done = 3;
    c.resumed = true;
    CollectorFsm fsm(c);
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::completed);
    CHECK(r.samples.empty());
    CHECK(host.log == std::vector<std::string>{"vscsiStats -x -w 2099979"});
}

TEST_CASE("a collection found running is recorded; a resumed job does not probe again",
          "[collect][lease]") {
    FakeHost host;
    host.vms[2099979] = {true, t0 - 600s, t0 - 60s};  // someone's collection, 10 min old
    CollectorFsm fsm(config(2, 60s));
    auto a = fsm.start(t0);
    a = fsm.persisted(t0);
    REQUIRE(a.purpose == CommandPurpose::probe);
    CHECK(a.command == "vscsiStats -p all -c -w 2099979");
    a = fsm.command_done(t0, host.exec(a.command, t0));
    CHECK(fsm.progress().collections[0].found_running);
    // Re-armed like any other (it must outlive the job), sampled from our own baseline.
    REQUIRE(a.purpose == CommandPurpose::start);
    CHECK(host.vms[2099979].started == t0 - 600s);  // -s on a running one keeps its counters
    {
        FakeHost h2;
        h2.vms[2099979] = {true, t0 - 600s, t0 - 60s};
        CollectorFsm again(config(2, 60s));
        const auto r = drive(again, h2);
        REQUIRE(r.samples.size() == 2);
        // Its first IO was long before our baseline: no sample holds that gap.
        CHECK(r.samples[0].header.first_io_gaps.empty());
    }
    FakeHost fresh;
    CollectorFsm other(config(2, 60s));
    a = other.start(t0);
    a = other.persisted(t0);
    a = other.command_done(t0, fresh.exec(a.command, t0));  // "No stats collection is running"
    CHECK_FALSE(other.progress().collections[0].found_running);
    // Resumed: no probe (its own collection runs), the record carried over.
    auto cfg = config(4, 60s);
    cfg.samples_done = 2;
    cfg.resumed = true;
    cfg.found_running = {true};
    CollectorFsm resumed(cfg);
    a = resumed.start(t0);
    a = resumed.persisted(t0);
    CHECK(a.purpose == CommandPurpose::start);
    CHECK(resumed.progress().collections[0].found_running);
}

TEST_CASE(
    "job.json after a sample: written when more than the count changed, the count alone at most "
    "every minute",
    "[collect][persist]") {
    FakeHost host;
    auto c = config(200, 1s);
    c.rearm_every = 24h;  // no re-arm within the run: the count alone most of the time
    CollectorFsm fsm(c);
    JobJsonSchedule schedule;
    TimePoint now = t0;
    std::vector<std::int64_t> written_at;
    int after_samples = 0;
    auto a = fsm.start(now);
    for (int steps = 0; a.type != ActionType::done && steps < 100000; ++steps) {
        switch (a.type) {
            case ActionType::exec:
                a = fsm.command_done(now, host.exec(a.command, now));
                break;
            case ActionType::wait_until:
                now = std::max(now, a.until);
                if (now == t0 + 110s) host.vms[2099979].running = false;  // stopped: a gap
                a = fsm.timer_fired(now);
                break;
            case ActionType::write_sample:
                a = fsm.sample_written(now, {});
                break;
            case ActionType::persist:
                after_samples += a.after_sample;
                if (schedule.due(fsm.progress(), now, a.after_sample)) {
                    schedule.written(fsm.progress(), now);
                    written_at.push_back(secs(t0, now));
                }
                a = fsm.persisted(now);
                break;
            case ActionType::vm_left:
            case ActionType::done:
                break;
        }
    }
    REQUIRE(a.type == ActionType::done);
    CHECK(a.status == JobStatus::completed);
    CHECK(after_samples == 200);
    CHECK(fsm.progress().gaps == 1);
    // The plan, the first sample (the collection now runs), the count a minute
    // later, the gap the moment it is found (and the restart), the end: not
    // 200 rewrites.
    CAPTURE(written_at);
    CHECK(written_at.size() <= 9);
    CHECK(written_at.front() == 0);
    CHECK(written_at[1] == 1);
    CHECK(written_at[2] == 61);
    CHECK(std::find(written_at.begin(), written_at.end(), 111) != written_at.end());
    for (std::size_t i = 1; i < written_at.size(); ++i)
        CHECK(written_at[i] - written_at[i - 1] <= 60);

    // Nothing but the count: waits up to a minute; a new error does not.
    CollectorProgress p;
    p.samples_written = 1;
    JobJsonSchedule s;
    CHECK(s.due(p, t0, true));  // never written yet
    s.written(p, t0);
    p.samples_written = 2;
    CHECK_FALSE(s.due(p, t0 + 59s, true));
    CHECK(s.due(p, t0 + 59s, false));  // any persist that is not a sample's
    CHECK(s.due(p, t0 + 60s, true));
    p.errors.push_back("sample 2: unreadable output");
    CHECK(s.due(p, t0 + 1s, true));
    s.written(p, t0 + 1s);
    p.errors.front() = "another";  // bounded list: same size, a newer error
    CHECK(s.due(p, t0 + 2s, true));
    s.failed();
    CHECK(s.due(p, t0 + 2s, true));
}

TEST_CASE("a VM that leaves its host ends its collection there: no endless retries, samples kept",
          "[collect][vm_gone]") {
    FakeHost host;
    host.gone_at[2099979] = t0 + 150s;  // after the samples at 60 and 120 s
    CollectorFsm fsm(config(10, 60s));
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::failed);
    CHECK(r.vm_left == 1);  // the driver was asked whether it can follow the VM
    CHECK(r.samples.size() == 2);
    const auto& c = fsm.progress().collections[0];
    CHECK(c.state == CollectionStatus::vm_gone);
    CHECK_THAT(c.error, Catch::Contains("no longer on this host"));
    CHECK_THAT(fsm.progress().errors.back(), Catch::Contains("no VM of the job is on host esxi01"));
    // Found at the first tick after it left: print, start, listing, and nothing more (no stop).
    const auto listings = std::count(host.log.begin(), host.log.end(), "vscsiStats -l");
    CHECK(listings == 1);
    CHECK(host.log.back() == "vscsiStats -l");
}

TEST_CASE("of two VMs, the one that left is no longer printed; the other completes the job",
          "[collect][vm_gone]") {
    FakeHost host;
    host.gone_at[2099980] = t0 + 150s;
    auto cfg = config(5, 60s);
    cfg.collections.push_back({2099980, std::nullopt, {}});
    CollectorFsm fsm(cfg);
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::completed);
    REQUIRE(r.samples.size() == 5);
    CHECK(r.samples[0].data.disks.size() == 2);
    CHECK(r.samples[4].data.disks.size() == 1);
    CHECK(fsm.progress().collections[0].state == CollectionStatus::stopped);
    CHECK(fsm.progress().collections[1].state == CollectionStatus::vm_gone);
    std::size_t after_gone = 0;
    for (const auto& cmd : host.log)
        if (cmd.find("-w 2099980") != std::string::npos) ++after_gone;
    // probe, -s, baseline, 2 ticks' prints, the failed print and start at 180 s: then never again.
    CHECK(after_gone == 7);
}

TEST_CASE("a restart that fails while the VM is still listed is retried, not taken for a move",
          "[collect][vm_gone]") {
    FakeHost host;
    auto c = config(4, 10min);
    c.rearm_every = 24h;  // vscsiStats stops itself after 30 minutes: a restart at 30 min
    host.start_fails_from = t0 + 25min;  // which fails at 30 and 40 min, then works
    host.start_fails_until = t0 + 45min;
    CollectorFsm fsm(c);
    const auto r = drive(fsm, host);
    CHECK(r.status == JobStatus::completed);
    CHECK(r.samples.size() == 4);
    CHECK(fsm.progress().collections[0].state == CollectionStatus::stopped);
    CHECK(std::count(host.log.begin(), host.log.end(), "vscsiStats -l") == 2);
    SECTION("and when the listing itself fails, too") {
        FakeHost h2;
        h2.start_fails_from = t0 + 25min;
        h2.start_fails_until = t0 + 45min;
        h2.listing_fails = true;
        CollectorFsm f2(c);
        CHECK(drive(f2, h2).status == JobStatus::completed);
        CHECK(f2.progress().collections[0].state == CollectionStatus::stopped);
    }
}
