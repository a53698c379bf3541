#pragma once
// A job being built by an import: written into a hidden directory next to the
// jobs and renamed into place only when complete, so bad input leaves nothing
// behind and a reader never sees half a job.

#include <filesystem>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "job/job_dir.hpp"
#include "job/job_meta.hpp"
#include "util/file_io.hpp"

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
    // All throw std::runtime_error naming the file.
    void write_sample(const SampleHeader& h, const VscsiStatsOutput& data);
    void write_raw(const std::string& name,
                   std::string_view bytes);  // the input, verbatim (evidence)
    // Where write_raw(name) puts it: an import that streams its input writes
    // the copy itself (util/file_io.hpp AtomicFileWriter).
    std::filesystem::path raw_path(const std::string& name) const;
    // A sample whose histograms are the raw copy `raw_name` as it is (one
    // whole print, already parsed once): copied a buffer at a time.
    void write_sample_of_raw(const SampleHeader& h, const std::string& raw_name);
    // The path of sample `seq` in the staged job.
    std::filesystem::path sample_path(std::uint64_t seq) const;
    // Saves job.json and moves the job into place.
    void commit(const JobMeta& meta);

  private:
    std::string job_id_;
    std::filesystem::path jobs_, final_, staging_;
    JobDir dir_;
    bool committed_ = false;
};

// A sample written in the same pass that reads and checks its one print (a
// host-wide print can be 100 MB: one pass over it, not a copy of the copy).
// Its header depends on what the parse finds, so room for it is kept at the
// start and filled at the end; a header that needs more room than was kept
// leaves this sample unused (commit returns false) and the caller writes it
// another way. Dropped, uncommitted, with its StagedJob or when destroyed.
class SampleBeingRead {
  public:
    // `header` is the header as far as it is known: the room kept fits it
    // with any start and end times.
    SampleBeingRead(const StagedJob& staged, const SampleHeader& header);
    AtomicFileWriter& writer() { return out_; }  // the bytes after the header
    bool commit(const SampleHeader& header);     // throws std::runtime_error naming the file

  private:
    AtomicFileWriter out_;
    std::size_t room_ = 0;
};

// job.json of an imported job: complete as soon as it exists.
JobMeta imported_job_meta(const std::string& job_id, std::string source, TimePoint now,
                          const std::string& host, const std::map<std::string, std::string>& tags);
// Records the period the samples cover and that all of them are there.
void set_imported_collection(JobMeta& meta, TimePoint start, TimePoint end, std::uint64_t samples);

// The disks of an import's samples, as meta.targets: one target per world
// group, each disk once, in the order first seen. Indexed: a host-wide print
// adds tens of thousands of disks.
class ImportTargets {
  public:
    void add(const DiskId& disk);
    void add(const VscsiStatsOutput& data);
    // Names the VM `vm` when there is exactly one.
    void store(JobMeta& meta, const std::string& vm) const;

  private:
    std::vector<Target> targets_;
    std::unordered_map<std::int64_t, std::size_t> by_world_group_;
    std::unordered_set<DiskKey, DiskKeyHash> disks_;
};

}  // namespace vscsi
