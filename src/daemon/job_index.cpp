#include "daemon/job_index.hpp"

#include "job/job_dir.hpp"
#include "util/file_io.hpp"

namespace vscsi::daemon {
namespace json = boost::json;
namespace fs = std::filesystem;

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
