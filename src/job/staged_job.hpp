#pragma once
// A job being built by an import: written into a hidden directory next to the
// jobs and renamed into place only when complete, so bad input leaves nothing
// behind and a reader never sees half a job.

#include <filesystem>
#include <map>
#include <string>

#include "job/job_dir.hpp"
#include "job/job_meta.hpp"

namespace vscsi {

class StagedJob {
  public:
    // Throws UserError (usage) on a bad name, std::runtime_error when the job
    // exists or the directory cannot be made: the import use cases turn both
    // into their Result (app/errors.hpp).
    StagedJob(const std::filesystem::path& data_dir, const std::string& job_id);
    StagedJob(const StagedJob&) = delete;
    StagedJob& operator=(const StagedJob&) = delete;
    ~StagedJob();  // removes the staging directory unless committed

    const std::string& job_id() const { return job_id_; }
    const std::filesystem::path& final_dir() const { return final_; }
    // Both throw std::runtime_error naming the file.
    void write_sample(const SampleHeader& h, const VscsiStatsOutput& data);
    void write_raw(const std::string& name,
                   std::string_view bytes);  // the input, verbatim (evidence)
    // Saves job.json and moves the job into place.
    void commit(const JobMeta& meta);

  private:
    std::string job_id_;
    std::filesystem::path jobs_, final_, staging_;
    JobDir dir_;
    bool committed_ = false;
};

// job.json of an imported job: complete as soon as it exists.
JobMeta imported_job_meta(const std::string& job_id, std::string source, TimePoint now,
                          const std::string& host, const std::map<std::string, std::string>& tags);
// Records the period the samples cover and that all of them are there.
void set_imported_collection(JobMeta& meta, TimePoint start, TimePoint end, std::uint64_t samples);

// Adds the disks of `data` to meta.targets (one target per world group);
// names the VM when there is exactly one.
void add_targets(JobMeta& meta, const VscsiStatsOutput& data, const std::string& vm);

}  // namespace vscsi
