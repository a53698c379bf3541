#include "daemon/job_index.hpp"

#include <sys/stat.h>

#include "job/job_dir.hpp"
#include "util/file_io.hpp"

namespace vscsi::daemon {
namespace json = boost::json;
namespace fs = std::filesystem;

std::vector<const JobSummary*> JobIndex::refresh() {
    // In place: one stat per job, nothing moved or re-read that did not
    // change; jobs not seen in this pass are dropped at the end.
    ++pass_;
    std::error_code ec;
    std::string text;
    for (fs::directory_iterator it(jobs_dir_, ec), end; !ec && it != end; it.increment(ec)) {
        auto name = it->path().filename().string();
        if (name.starts_with(".")) continue;
        const auto jj = it->path() / "job.json";
        struct stat st {};
        if (::stat(jj.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // not a job (yet)
        const auto [at, added] = cache_.try_emplace(std::move(name));
        auto& entry = at->second;
        entry.pass = pass_;
        const auto mtime_ns =
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
        const auto size = static_cast<std::uintmax_t>(st.st_size);
        if (!added && entry.mtime_ns == mtime_ns && entry.size == size) continue;
        entry.mtime_ns = mtime_ns;
        entry.size = size;
        entry.summary = {};
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
            entry.summary.job_id = at->first;
            entry.summary.path = it->path().string();
        }
    }
    std::erase_if(cache_, [&](const auto& kv) { return kv.second.pass != pass_; });
    std::vector<const JobSummary*> view;
    view.reserve(cache_.size());
    for (const auto& [name, e] : cache_) view.push_back(&e.summary);
    return view;
}

}  // namespace vscsi::daemon
