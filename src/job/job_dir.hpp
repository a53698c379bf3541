#pragma once
// A job directory on disk:
//   job.json            metadata (atomic rewrite)
//   samples/sample-NNNNNN.csv   one interval each, written once, atomically
//   raw/                original inputs kept verbatim (imports)
//   analysis/           outputs of `vscsi analyze`

#include <boost/system/error_code.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/sample_source.hpp"
#include "format/parse_error.hpp"
#include "job/job_meta.hpp"
#include "job/sample_file.hpp"
#include "util/error.hpp"

namespace vscsi {

namespace fs = std::filesystem;

class JobDir {
  public:
    explicit JobDir(fs::path root) : root_(std::move(root)) {}

    const fs::path& root() const { return root_; }
    fs::path job_json() const { return root_ / "job.json"; }
    fs::path samples_dir() const { return root_ / "samples"; }
    fs::path raw_dir() const { return root_ / "raw"; }
    fs::path analysis_dir() const { return root_ / "analysis"; }
    // Held by whichever process collects the job (daemon or --foreground):
    // free means nobody does, and the job may be resumed.
    fs::path collector_lock() const { return root_ / ".collector.lock"; }
    fs::path sample_path(std::uint64_t seq) const;

    static bool looks_like_job(const fs::path& dir) {
        return fs::is_regular_file(dir / "job.json");
    }

    // Creates samples/ (and the root). Idempotent.
    boost::system::error_code create_layout() const;

    JobMeta load_meta() const;  // throws DataError naming job.json and the field
    boost::system::error_code save_meta(const JobMeta& m) const;
    boost::system::error_code write_sample(const SampleHeader& h,
                                           const VscsiStatsOutput& data) const;

    // Highest sequence number present in samples/ (0 if none): one directory
    // pass keeping only the maximum, so memory does not grow with the job.
    std::uint64_t max_sample_seq() const;
    // Removes the temporary files of writes that a killed collector left
    // (".NAME.tmp.PID"); call it only while holding the collector lock.
    void remove_partial_writes() const;

  private:
    fs::path root_;
};

// Reads samples one at a time in sequence order; a sample that cannot be read
// is reported and skipped, never fatal to the rest.
class SampleCursor final : public SampleSource {
  public:
    explicit SampleCursor(const JobDir& dir);

    boost::system::result<bool, ParseError> next(Sample& out) override;
    // A buffer at a time: memory is the buffer and one disk, whatever the sample's width.
    boost::system::result<bool, ParseError> next_streamed(SampleHeader& header,
                                                          VscsiStatsSink& sink) override;
    void rewind() override { seq_ = 0; }
    std::uint64_t last_seq() const { return max_; }

  private:
    const JobDir& dir_;
    std::uint64_t seq_ = 0;
    std::uint64_t max_ = 0;
    std::string buffer_;
    std::string piece_;  // next_streamed's read buffer
};

// Data directory: --data-dir, else $XDG_DATA_HOME/vscsi, else ~/.local/share/vscsi.
fs::path default_data_dir();
fs::path jobs_dir(const fs::path& data_dir);

// JOB may be a job directory or a job name under the data directory.
std::optional<fs::path> resolve_job(const std::string& job, const fs::path& data_dir);

// The one not-found error for a JOB argument, whichever command (or the daemon) looked:
// a path that does not exist says "no such file", a name says where it was looked for.
Error job_not_found(const std::string& job, const fs::path& data_dir);

// Job names become directory names: letters, digits, '.', '_', '-' only.
Result<void> check_job_name(const std::string& name);

}  // namespace vscsi
