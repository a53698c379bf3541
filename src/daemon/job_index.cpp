#include "daemon/job_index.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <memory>

#include "job/job_dir.hpp"
#include "protocol/messages.hpp"
#include "util/file_io.hpp"

namespace vscsi::daemon {
namespace fs = std::filesystem;

void JobIndex::reread(const std::string& name, Entry& entry) {
    const auto dir = jobs_dir_ / name;
    const auto jj = dir / "job.json";
    entry.summary = {};
    if (auto rc = read_file(jj, text_)) {
        entry.summary.problem = "cannot read job.json: " + rc.message();
    } else {
        try {
            entry.summary = summarize(parse_job_meta(text_, jj.string()), dir.string());
        } catch (const std::exception& e) {
            entry.summary.problem = e.what();
        }
    }
    if (!entry.summary.problem.empty()) {
        entry.summary.job_id = name;
        entry.summary.path = dir.string();
    }
    entry.json = protocol::serialize_job_row(entry.summary);
}

std::vector<ListedJob> JobIndex::refresh() {
    // In place: one stat per job, relative to the open jobs directory (a path
    // walk of two names, not of the whole data path), nothing re-read that did
    // not change; jobs not seen in this pass are dropped at the end.
    ++pass_;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(jobs_dir_.c_str()), ::closedir);
    if (dir) {
        const int dfd = ::dirfd(dir.get());
        std::string rel;
        while (const dirent* de = ::readdir(dir.get())) {
            const std::string_view name = de->d_name;
            if (name.starts_with(".")) continue;
            if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN && de->d_type != DT_LNK) continue;
            rel.assign(name);
            rel += "/job.json";
            struct stat st {};
            if (::fstatat(dfd, rel.c_str(), &st, 0) != 0 || !S_ISREG(st.st_mode))
                continue;  // not a job (yet)
            auto at = cache_.find(name);
            const bool added = at == cache_.end();
            if (added) at = cache_.emplace(std::string(name), Entry{}).first;
            auto& entry = at->second;
            entry.pass = pass_;
            const auto mtime_ns =
                static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
            const auto size = static_cast<std::uintmax_t>(st.st_size);
            if (!added && entry.mtime_ns == mtime_ns && entry.size == size) continue;
            entry.mtime_ns = mtime_ns;
            entry.size = size;
            reread(at->first, entry);
        }
    }
    std::erase_if(cache_, [&](const auto& kv) { return kv.second.pass != pass_; });
    std::vector<ListedJob> view;
    view.reserve(cache_.size());
    for (const auto& [name, e] : cache_) view.push_back({&e.summary, e.json});
    return view;
}

}  // namespace vscsi::daemon
