#include "analysis/fio_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <numeric>
#include <unordered_set>

namespace vscsi {
namespace {

std::uint64_t io_key(FioDir dir, std::uint64_t offset, std::uint32_t length) {
    // Offsets and lengths are mixed so that different I/Os rarely share a key;
    // a shared key only makes two logs look a little more alike.
    std::uint64_t h = offset * 0x9E3779B97F4A7C15ull;
    h ^= (static_cast<std::uint64_t>(length) << 2 | static_cast<std::uint64_t>(dir)) +
         0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
    return h;
}

std::string joined(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : " + ") + n;
    return s;
}

// Ranks for tie-breaks: the job number in the name, else the position given.
std::vector<std::uint64_t> ranks_of(const std::vector<std::string>& names) {
    std::vector<std::uint64_t> r(names.size());
    bool numbered = true;
    for (std::size_t i = 0; i < names.size(); ++i) {
        r[i] = fio_job_number(names[i]);
        numbered = numbered && r[i] > 0;
    }
    if (!numbered) std::iota(r.begin(), r.end(), 1);
    return r;
}

struct JobTrace {
    std::vector<std::string> logs;
    IoTrace trace;
};

}  // namespace

std::uint64_t fio_job_number(const std::string& n) {
    std::size_t end = std::string::npos;
    if (n.ends_with(".iolog"))
        end = n.size() - 6;
    else if (n.ends_with(".log"))
        end = n.size() - 4;
    if (end == std::string::npos || end == 0) return 0;
    const auto dot = n.rfind('.', end - 1);
    if (dot == std::string::npos || dot + 1 == end) return 0;
    std::uint64_t v = 0;
    for (auto i = dot + 1; i < end; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(n[i])) || v > 1'000'000'000) return 0;
        v = v * 10 + static_cast<std::uint64_t>(n[i] - '0');
    }
    return v;
}

namespace {

using IssuedKeys = std::unordered_set<std::uint64_t>;

IssuedKeys issued_keys(const FioIolog& iolog) {
    IssuedKeys issued;
    issued.reserve(iolog.ios.size());
    for (const auto& e : iolog.ios) issued.insert(io_key(e.dir, e.offset, e.length));
    return issued;
}

double share_issued(const IssuedKeys& issued, const std::vector<FioLatEntry>& lat,
                    std::size_t max_checked) {
    std::vector<const FioLatEntry*> checked;
    for (const auto& l : lat)
        if (l.dir != FioDir::trim) checked.push_back(&l);
    if (checked.empty()) return 0;
    const std::size_t n = std::min(checked.size(), std::max<std::size_t>(1, max_checked));
    std::size_t found = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const auto* l = checked[k * checked.size() / n];
        found += issued.contains(io_key(l->dir, l->offset, l->length));
    }
    return static_cast<double>(found) / static_cast<double>(n);
}

}  // namespace

double iolog_match(const FioIolog& iolog, const std::vector<FioLatEntry>& lat,
                   std::size_t max_checked) {
    return share_issued(issued_keys(iolog), lat, max_checked);
}

Result<std::vector<FioJobPairing>> pair_fio_logs(const std::vector<NamedIolog>& iologs,
                                                 const std::vector<NamedLatLog>& lats) {
    std::vector<FioJobPairing> jobs(iologs.size());
    for (std::size_t i = 0; i < iologs.size(); ++i) jobs[i].iolog = i;
    if (lats.empty()) return jobs;
    std::vector<std::string> io_names, lat_names;
    for (const auto& x : iologs) io_names.push_back(x.name);
    for (const auto& x : lats) lat_names.push_back(x.name);
    const auto io_rank = ranks_of(io_names), lat_rank = ranks_of(lat_names);
    struct Candidate {
        std::size_t iolog, lat;
        double match;
        std::uint64_t rank_gap;
    };
    std::vector<Candidate> all;
    for (std::size_t i = 0; i < iologs.size(); ++i) {
        const auto issued = issued_keys(iologs[i].log);  // once per iolog, not per pair
        for (std::size_t l = 0; l < lats.size(); ++l)
            all.push_back(
                {i, l, share_issued(issued, lats[l].entries, kMatchCheckedLines),
                 io_rank[i] > lat_rank[l] ? io_rank[i] - lat_rank[l] : lat_rank[l] - io_rank[i]});
    }
    std::stable_sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
        if (std::abs(a.match - b.match) > 1e-9) return a.match > b.match;
        return a.rank_gap < b.rank_gap;
    });
    std::vector<bool> lat_taken(lats.size(), false);
    for (const auto& c : all) {
        auto& job = jobs[c.iolog];
        // A stonewalled run may share one iolog (one segment per job).
        const auto capacity = std::max<std::size_t>(1, iologs[c.iolog].log.segments);
        if (lat_taken[c.lat] || c.match < kMinLogMatch || job.lats.size() >= capacity) continue;
        lat_taken[c.lat] = true;
        job.lats.push_back(c.lat);
        job.match.push_back(c.match);
    }
    for (std::size_t l = 0; l < lats.size(); ++l) {
        if (lat_taken[l]) continue;
        const Candidate* best = nullptr;
        for (const auto& c : all)
            if (c.lat == l && (!best || c.match > best->match)) best = &c;
        return Error{
            ErrorKind::usage,
            fmt::format("{}: pairs with no iolog given: {}", lats[l].name,
                        best ? fmt::format("at best {:.0f}% of its I/Os are in {}",
                                           best->match * 100, iologs[best->iolog].name)
                             : std::string("no iolog to pair with")),
            "give the iolog its fio job wrote (write_iolog) beside it, or only latency logs"};
    }
    for (const auto& job : jobs)
        if (job.lats.empty())
            return Error{
                ErrorKind::usage,
                fmt::format("{}: no latency log given holds its I/Os", iologs[job.iolog].name),
                "give every job's _lat log of the run (NAME_lat.N.log), or only the "
                "iologs"};
    for (auto& job : jobs) {  // a shared iolog's segments in job order
        std::vector<std::size_t> order(job.lats.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return lat_rank[job.lats[a]] < lat_rank[job.lats[b]];
        });
        FioJobPairing sorted{job.iolog, {}, {}};
        for (auto k : order) {
            sorted.lats.push_back(job.lats[k]);
            sorted.match.push_back(job.match[k]);
        }
        job = std::move(sorted);
    }
    // Jobs in fio's order: latency logs carry the job number, iologs need not.
    std::stable_sort(jobs.begin(), jobs.end(), [&](const auto& a, const auto& b) {
        return lat_rank[a.lats.front()] < lat_rank[b.lats.front()];
    });
    return jobs;
}

Result<IoTrace> merge_fio_run(const std::vector<NamedIolog>& iologs,
                              const std::vector<NamedLatLog>& lats, const FioRunOptions& options) {
    std::vector<JobTrace> jobs;
    // Another job's latency log counts from that job's start: stonewalled
    // jobs sharing one iolog follow each other.
    auto in_sequence = [](const std::vector<const NamedLatLog*>& parts) {
        std::vector<FioLatEntry> out;
        for (const auto* p : parts) {
            auto entries = p->entries;
            if (!out.empty()) {
                const auto after = out.back().complete_ms + 1;
                for (auto& e : entries) e.complete_ms += after;
            }
            std::stable_sort(entries.begin(), entries.end(),
                             [](auto& a, auto& b) { return a.complete_ms < b.complete_ms; });
            out.insert(out.end(), entries.begin(), entries.end());
        }
        return out;
    };
    if (!iologs.empty()) {
        auto pairs = pair_fio_logs(iologs, lats);
        if (!pairs) return pairs.error();
        for (const auto& p : *pairs) {
            JobTrace j;
            j.logs.push_back(iologs[p.iolog].name);
            std::vector<const NamedLatLog*> parts;
            for (auto l : p.lats) {
                parts.push_back(&lats[l]);
                j.logs.push_back(lats[l].name);
            }
            const auto lat = in_sequence(parts);
            j.trace = build_io_trace(&iologs[p.iolog].log, parts.empty() ? nullptr : &lat);
            jobs.push_back(std::move(j));
        }
    } else {
        std::vector<std::string> names;
        for (const auto& l : lats) names.push_back(l.name);
        const auto rank = ranks_of(names);
        std::vector<std::size_t> order(lats.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return rank[a] < rank[b]; });
        std::uint64_t after_ms = 0;
        for (auto l : order) {
            JobTrace j;
            j.logs.push_back(lats[l].name);
            auto entries = options.jobs_in_sequence ? in_sequence({&lats[l]}) : lats[l].entries;
            for (auto& e : entries) e.complete_ms += after_ms;
            if (options.jobs_in_sequence && !entries.empty())
                for (const auto& e : entries) after_ms = std::max(after_ms, e.complete_ms + 1);
            j.trace = build_io_trace(nullptr, &entries);
            jobs.push_back(std::move(j));
        }
    }
    if (jobs.empty())
        return Error{ErrorKind::usage, "no fio log given",
                     "give the iolog (write_iolog) and/or the _lat log (write_lat_log)"};

    IoTrace all;
    all.has_latency = true;
    all.exact_issue_times = true;
    std::map<std::string, std::vector<std::string>> warned;  // warning -> jobs
    std::vector<std::string> warning_order;
    for (std::size_t k = 0; k < jobs.size(); ++k) {
        auto& t = jobs[k].trace;
        const auto name = joined(jobs[k].logs);
        if (t.ios.empty())
            return Error{ErrorKind::bad_data, fmt::format("{}: holds no reads or writes", name),
                         "leave this job's logs out, or check that fio wrote them "
                         "(write_iolog, write_lat_log with log_offset=1)"};
        all.has_latency = all.has_latency && t.has_latency;
        all.exact_issue_times = all.exact_issue_times && t.exact_issue_times;
        std::vector<std::uint32_t> file_of(t.files.size());
        for (std::size_t f = 0; f < t.files.size(); ++f) {
            const auto it = std::find(all.files.begin(), all.files.end(), t.files[f]);
            file_of[f] = static_cast<std::uint32_t>(it - all.files.begin());
            if (it == all.files.end()) all.files.push_back(t.files[f]);
        }
        std::uint64_t reads = 0;
        for (auto io : t.ios) {
            io.file = file_of[io.file];
            reads += io.dir == FioDir::read;
            all.ios.push_back(io);
        }
        all.jobs.push_back(fmt::format("fio job {} ({}): {} reads, {} writes", k + 1, name, reads,
                                       t.ios.size() - reads));
        for (auto& w : t.warnings) {
            if (!warned.contains(w)) warning_order.push_back(w);
            warned[w].push_back(jobs[k].logs.front());
        }
    }
    for (const auto& w : warning_order) {
        const auto& who = warned[w];
        all.warnings.push_back(who.size() == jobs.size() ? w : joined(who) + ": " + w);
    }
    if (iologs.empty() && lats.size() > 1)
        all.warnings.push_back(
            options.jobs_in_sequence
                ? fmt::format("{} latency logs without iologs placed one after another "
                              "(--jobs-in-sequence), each job after the previous one ended",
                              lats.size())
                : fmt::format("{} latency logs without iologs taken as jobs that ran side by "
                              "side from one start (fio's default for the jobs of one job file); "
                              "if they ran one after another (stonewall), import with "
                              "--jobs-in-sequence",
                              lats.size()));
    std::stable_sort(all.ios.begin(), all.ios.end(),
                     [](const IoRecord& a, const IoRecord& b) { return a.issue_us < b.issue_us; });
    // Per target file: what vscsiStats would have seen on each virtual disk.
    std::vector<std::array<std::uint64_t, 2>> per_file(all.files.size(), {0, 0});
    for (const auto& io : all.ios) ++per_file[io.file][io.dir == FioDir::read ? 0 : 1];
    for (std::size_t f = 0; f < all.files.size(); ++f)
        all.jobs.push_back(fmt::format("file {}: {} reads, {} writes", all.files[f], per_file[f][0],
                                       per_file[f][1]));
    return all;
}

}  // namespace vscsi
