#include "analysis/fio_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <map>
#include <queue>
#include <tuple>

#include "format/bucket_limits.hpp"

namespace vscsi {
namespace {

constexpr std::uint64_t kLbn = 512;

// Collects one histogram's values in an interval.
struct Builder {
    std::vector<std::uint64_t> freqs;
    std::uint64_t count = 0;
    long double sum = 0;
    std::int64_t min = 0, max = 0;
    std::span<const std::int64_t> limits;

    explicit Builder(Metric m) : limits(esxi_bucket_limits(m)) {
        freqs.assign(limits.size() + 1, 0);
    }
    void add(std::int64_t v) {
        const auto it = std::lower_bound(limits.begin(), limits.end(), v);  // first limit >= v
        ++freqs[static_cast<std::size_t>(it - limits.begin())];
        if (count == 0 || v < min) min = v;
        if (count == 0 || v > max) max = v;
        sum += v;
        ++count;
    }
    Histogram histogram() const {
        Histogram h;
        h.limits.assign(limits.begin(), limits.end());
        h.frequencies = freqs;
        h.count = count;
        h.min = min;
        h.max = max;
        h.mean =
            count ? static_cast<std::int64_t>(std::llround(static_cast<double>(sum / count))) : 0;
        return h;
    }
};

// One disk's histograms of one interval: 16 slots as vscsiStats prints them.
struct DiskBuilder {
    std::vector<Builder> slots;
    DiskBuilder() {
        for (std::size_t s = 0; s < kSlotCount; ++s) slots.emplace_back(slot_info(s).metric);
    }
    void add(Metric m, Direction d, std::int64_t v) { slots[*slot_of(m, d)].add(v); }
};

// What carries from one I/O to the next on one file (across intervals).
struct FileState {
    std::array<bool, 3> seen{};                 // by Direction
    std::array<std::uint64_t, 3> last_lbn{};    // last LBN of the previous command
    std::array<std::uint64_t, 3> last_issue{};  // µs
    std::deque<std::uint64_t> recent_last_lbn;  // previous 16 commands, any direction
    std::array<std::priority_queue<std::uint64_t, std::vector<std::uint64_t>, std::greater<>>, 3>
        in_flight;
};

Direction direction_of(FioDir d) {
    return d == FioDir::read ? Direction::read : Direction::write;
}

}  // namespace

IoTrace build_io_trace(const FioIolog* iolog, const std::vector<FioLatEntry>* lat) {
    IoTrace t;
    std::uint64_t trims = 0;
    if (iolog) {
        t.files = iolog->files;
        t.exact_issue_times = true;
        for (const auto& e : iolog->ios) {
            if (e.dir == FioDir::trim) {
                ++trims;
                continue;
            }
            t.ios.push_back({e.issue_us, e.issue_us, e.offset, e.length, e.file, e.dir});
        }
        if (lat) {
            // Each latency line completes the oldest unmatched I/O with the same direction, offset
            // and length.
            std::map<std::tuple<int, std::uint64_t, std::uint32_t>, std::deque<std::size_t>>
                waiting;
            for (std::size_t i = 0; i < t.ios.size(); ++i)
                waiting[{static_cast<int>(t.ios[i].dir), t.ios[i].offset, t.ios[i].length}]
                    .push_back(i);
            std::uint64_t unmatched = 0;
            std::vector<bool> done(t.ios.size(), false);
            for (const auto& l : *lat) {
                if (l.dir == FioDir::trim) continue;
                auto it = waiting.find({static_cast<int>(l.dir), l.offset, l.length});
                if (it == waiting.end() || it->second.empty()) {
                    ++unmatched;
                    continue;
                }
                auto& io = t.ios[it->second.front()];
                done[it->second.front()] = true;
                it->second.pop_front();
                io.complete_us = io.issue_us + (l.latency_ns + 500) / 1000;
            }
            const auto missing =
                static_cast<std::uint64_t>(std::count(done.begin(), done.end(), false));
            t.has_latency = true;
            if (unmatched || missing)
                t.warnings.push_back(fmt::format(
                    "{} latency-log line(s) had no I/O in the iolog and {} I/O(s) had no latency "
                    "line: were both "
                    "logs written by the same fio job? Unpaired I/Os count with zero latency",
                    unmatched, missing));
        }
    } else if (lat) {
        // Issue time = completion - latency, at the latency log's millisecond resolution.
        t.files = {"fio"};
        t.has_latency = true;
        for (const auto& l : *lat) {
            if (l.dir == FioDir::trim) {
                ++trims;
                continue;
            }
            const auto lat_us = (l.latency_ns + 500) / 1000;
            const auto done_us = l.complete_ms * 1000;
            const auto issue = done_us > lat_us ? done_us - lat_us : 0;
            t.ios.push_back({issue, issue + lat_us, l.offset, l.length, 0, l.dir});
        }
        std::stable_sort(t.ios.begin(), t.ios.end(), [](const IoRecord& a, const IoRecord& b) {
            return a.issue_us < b.issue_us;
        });
        t.warnings.push_back(
            "no iolog: issue times come from millisecond completion times, so interarrival times, "
            "the issue "
            "order (seek distances) and outstanding IOs are approximate; add write_iolog=FILE to "
            "the fio job");
    } else {
        t.warnings.push_back("no fio log given");
    }
    if (iolog && !lat)
        t.warnings.push_back(
            "no latency log: latency and outstanding-IO histograms are left out; add "
            "write_lat_log=NAME and log_offset=1 to the fio job");
    if (trims)
        t.warnings.push_back(fmt::format(
            "{} trim(s) left out: vscsiStats histograms have read and write only", trims));
    return t;
}

std::vector<TraceInterval> trace_histograms(const IoTrace& trace, std::uint64_t interval_us,
                                            TimePoint base) {
    std::vector<TraceInterval> out;
    if (trace.ios.empty() || interval_us == 0) return out;
    const auto t0 = trace.ios.front().issue_us;
    std::vector<FileState> state(trace.files.size());
    std::vector<DiskBuilder> disks;
    std::vector<bool> active;
    std::uint64_t current = 0;

    // The last interval ends with the trace, not a whole interval later: its
    // rates would be diluted by time in which nothing could happen.
    std::uint64_t trace_end = 0;
    for (const auto& io : trace.ios)
        trace_end = std::max({trace_end, io.issue_us + 1, io.complete_us});
    auto flush = [&](std::uint64_t k) {
        TraceInterval iv;
        const auto from = t0 + k * interval_us;
        const auto to = std::min(from + interval_us, std::max(trace_end, from + 1000));
        iv.start = base + std::chrono::milliseconds(from / 1000);
        iv.end = base + std::chrono::milliseconds((to + 999) / 1000);
        for (std::size_t f = 0; f < disks.size(); ++f) {
            if (!active[f]) continue;
            DiskHistograms d;
            d.disk = {0, static_cast<std::int64_t>(f + 1), trace.files[f]};
            for (std::size_t s = 0; s < kSlotCount; ++s) {
                const auto m = slot_info(s).metric;
                if (!trace.has_latency && (m == Metric::latency || m == Metric::outstanding_ios))
                    continue;
                d.slots[s] = disks[f].slots[s].histogram();
                d.present[s] = true;
            }
            iv.data.disks.push_back(std::move(d));
        }
        out.push_back(std::move(iv));
        disks.assign(trace.files.size(), DiskBuilder{});
        active.assign(trace.files.size(), false);
    };
    disks.assign(trace.files.size(), DiskBuilder{});
    active.assign(trace.files.size(), false);

    for (const auto& io : trace.ios) {
        const auto k = (io.issue_us - t0) / interval_us;
        while (current < k) flush(current++);
        auto& st = state[io.file];
        auto& b = disks[io.file];
        active[io.file] = true;
        const auto dir = direction_of(io.dir);
        const auto first_lbn = io.offset / kLbn;
        const auto last_lbn = (io.offset + io.length - 1) / kLbn;
        for (auto d : {Direction::total, dir}) {
            const auto i = static_cast<std::size_t>(d);
            b.add(Metric::io_length, d, io.length);
            if (st.seen[i]) {
                b.add(Metric::seek_distance, d,
                      static_cast<std::int64_t>(first_lbn) -
                          static_cast<std::int64_t>(st.last_lbn[i]));
                b.add(Metric::interarrival, d,
                      static_cast<std::int64_t>(io.issue_us - st.last_issue[i]));
            }
            if (trace.has_latency) {
                auto& q = st.in_flight[i];
                while (!q.empty() && q.top() <= io.issue_us) q.pop();
                b.add(Metric::outstanding_ios, d, static_cast<std::int64_t>(q.size() + 1));
                q.push(io.complete_us);
                b.add(Metric::latency, d, static_cast<std::int64_t>(io.complete_us - io.issue_us));
            }
            st.seen[i] = true;
            st.last_lbn[i] = last_lbn;
            st.last_issue[i] = io.issue_us;
        }
        if (!st.recent_last_lbn.empty()) {
            std::int64_t best = 0;
            bool first = true;
            for (auto l : st.recent_last_lbn) {
                const auto dist =
                    static_cast<std::int64_t>(first_lbn) - static_cast<std::int64_t>(l);
                if (first || std::llabs(dist) < std::llabs(best)) best = dist, first = false;
            }
            b.add(Metric::seek_distance_closest16, Direction::total, best);
        }
        st.recent_last_lbn.push_back(last_lbn);
        if (st.recent_last_lbn.size() > 16) st.recent_last_lbn.pop_front();
    }
    flush(current);
    return out;
}

}  // namespace vscsi
