#include "daemon/job_index.hpp"

#include <boost/json.hpp>

#include "job/job_dir.hpp"
#include "util/file_io.hpp"

namespace vscsi::daemon {
namespace json = boost::json;
namespace fs = std::filesystem;

JobSummary summarize(const JobMeta& m, const std::string& path) {
    JobSummary s;
    s.job_id = m.job_id;
    s.path = path;
    s.status = m.status;
    s.host = m.host.hostname;
    s.tags = m.tags;
    for (const auto& t : m.targets) s.vms.push_back(t.vm_name);
    s.created_at = m.created_at;
    s.samples_collected = m.collection.samples_collected;
    s.samples_expected = m.collection.samples_expected;
    s.vscsistats_stopped = m.cleanup.vscsistats_stopped;
    return s;
}

json::object to_json(const JobSummary& s) {
    json::object tags;
    for (const auto& [k, v] : s.tags) tags[k] = v;
    json::array vms;
    for (const auto& v : s.vms) vms.push_back(json::value(v));
    json::object o{{"job_id", s.job_id},
                   {"path", s.path},
                   {"status", to_string(s.status)},
                   {"host", s.host},
                   {"vms", std::move(vms)},
                   {"tags", std::move(tags)},
                   {"created_at", format_iso8601(s.created_at)},
                   {"samples_collected", s.samples_collected},
                   {"samples_expected", s.samples_expected},
                   {"vscsistats_stopped", s.vscsistats_stopped}};
    if (!s.problem.empty()) o["problem"] = s.problem;
    return o;
}

std::vector<const JobSummary*> JobIndex::refresh() {
    std::map<std::string, Entry> next;
    std::error_code ec;
    std::string text;
    for (fs::directory_iterator it(jobs_dir_, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name.starts_with(".")) continue;
        const auto jj = it->path() / "job.json";
        std::error_code e1, e2;
        const auto mtime = fs::last_write_time(jj, e1);
        const auto size = fs::file_size(jj, e2);
        if (e1 || e2) continue;  // not a job (yet)
        if (auto old = cache_.find(name);
            old != cache_.end() && old->second.mtime == mtime && old->second.size == size) {
            next.emplace(name, std::move(old->second));
            continue;
        }
        Entry entry{mtime, size, {}};
        if (auto rc = read_file(jj, text)) {
            entry.summary.problem = "cannot read job.json: " + rc.message();
        } else {
            try {
                entry.summary = summarize(parse_job_meta(text, jj.string()), it->path().string());
            } catch (const std::exception& e) {
                entry.summary.problem = e.what();
            }
        }
        if (!entry.summary.problem.empty()) {
            entry.summary.job_id = name;
            entry.summary.path = it->path().string();
        }
        next.emplace(name, std::move(entry));
    }
    cache_ = std::move(next);
    std::vector<const JobSummary*> view;
    view.reserve(cache_.size());
    for (const auto& [name, e] : cache_) view.push_back(&e.summary);
    return view;
}

}  // namespace vscsi::daemon
