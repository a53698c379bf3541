#include "job/staged_job.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <stdexcept>

#include "job/sample_file.hpp"
#include "util/error.hpp"
#include "util/file_io.hpp"

namespace vscsi {
namespace {

[[noreturn]] void io_fail(const std::string& what, const fs::path& p,
                          boost::system::error_code ec) {
    throw std::runtime_error(fmt::format("cannot {} {}: {}", what, p.string(), ec.message()));
}

}  // namespace

StagedJob::StagedJob(const fs::path& data_dir, const std::string& job_id)
    : job_id_(job_id),
      jobs_(jobs_dir(data_dir)),
      final_(jobs_ / job_id),
      staging_(jobs_ / fmt::format(".import-{}-{}", job_id, ::getpid())),
      dir_(staging_) {
    check_job_name(job_id_).value();  // a usage error for the command to report
    // The same kind (conflict, exit 2) and words as `job start` for a taken name.
    if (fs::exists(final_))
        throw UserError({ErrorKind::conflict,
                         fmt::format("job '{}' already exists at {}", job_id_, final_.string()),
                         "choose another --name"});
    std::error_code ec;
    fs::create_directories(jobs_, ec);
    if (ec)
        throw std::runtime_error(fmt::format("cannot create {}: {}", jobs_.string(), ec.message()));
    fs::remove_all(staging_, ec);
    if (auto e = dir_.create_layout()) io_fail("create", staging_, e);
    fs::create_directories(dir_.raw_dir(), ec);
}

StagedJob::~StagedJob() {
    if (committed_) return;
    std::error_code ec;
    fs::remove_all(staging_, ec);
}

void StagedJob::write_sample(const SampleHeader& h, const VscsiStatsOutput& data) {
    if (auto ec = dir_.write_sample(h, data)) io_fail("write", dir_.sample_path(h.seq), ec);
}

void StagedJob::write_raw(const std::string& name, std::string_view bytes) {
    if (auto ec = write_file_atomic(dir_.raw_dir() / name, bytes))
        io_fail("write", dir_.raw_dir() / name, ec);
}

fs::path StagedJob::raw_path(const std::string& name) const {
    return dir_.raw_dir() / name;
}

void StagedJob::write_sample_of_raw(const SampleHeader& h, const std::string& raw_name) {
    const auto path = dir_.sample_path(h.seq);
    AtomicFileWriter out(path);
    out.append(encode_sample_header(h));
    if (auto ec = out.append_file(raw_path(raw_name))) io_fail("read", raw_path(raw_name), ec);
    if (auto ec = out.commit()) io_fail("write", path, ec);
}

fs::path StagedJob::sample_path(std::uint64_t seq) const {
    return dir_.sample_path(seq);
}

namespace {

// Start and end are printed to the millisecond at most: their longest form,
// and more, is kept free.
constexpr std::size_t kHeaderSlack = 64;

}  // namespace

SampleBeingRead::SampleBeingRead(const StagedJob& staged, const SampleHeader& header)
    : out_(staged.sample_path(header.seq)),
      room_(encode_sample_header(header).size() + kHeaderSlack) {
    out_.append(std::string(room_, '\n'));
}

bool SampleBeingRead::commit(const SampleHeader& header) {
    auto text = encode_sample_header(header);
    // The rest of the room is a comment line: "#", blanks, newline.
    if (text.size() + 2 > room_) return false;
    text += '#';
    text.append(room_ - text.size() - 1, ' ');
    text += '\n';
    out_.write_at(0, text);
    if (auto ec = out_.commit()) io_fail("write", out_.path(), ec);
    return true;
}

void StagedJob::commit(const JobMeta& meta) {
    if (auto ec = dir_.save_meta(meta)) io_fail("write", dir_.job_json(), ec);
    std::error_code ec;
    fs::rename(staging_, final_, ec);
    if (ec)
        throw std::runtime_error(
            fmt::format("cannot move the imported job into {}: {}", final_.string(), ec.message()));
    committed_ = true;
    sync_directory(jobs_);
}

JobMeta imported_job_meta(const std::string& job_id, std::string source, TimePoint now,
                          const std::string& host, const std::map<std::string, std::string>& tags) {
    JobMeta meta;
    meta.job_id = job_id;
    meta.created_at = meta.updated_at = now;
    meta.status = JobStatus::completed;
    meta.source = std::move(source);
    meta.host.hostname = host;
    meta.tags = tags;
    return meta;
}

void set_imported_collection(JobMeta& meta, TimePoint start, TimePoint end, std::uint64_t samples) {
    meta.collection.started_at = start;
    meta.collection.completed_at = end;
    meta.collection.samples_collected = meta.collection.samples_expected = samples;
}

void ImportTargets::add(const DiskId& disk) {
    if (!disks_.insert(disk_key(disk)).second) return;
    const auto [it, added] = by_world_group_.try_emplace(disk.world_group_id, targets_.size());
    if (added) targets_.emplace_back().world_group_id = disk.world_group_id;
    targets_[it->second].disks.push_back({disk.handle_id, disk.label});
}

void ImportTargets::add(const VscsiStatsOutput& data) {
    for (const auto& d : data.disks) add(d.disk);
}

void ImportTargets::store(JobMeta& meta, const std::string& vm) const {
    meta.targets = targets_;
    if (!vm.empty() && meta.targets.size() == 1) meta.targets.front().vm_name = vm;
}

}  // namespace vscsi
