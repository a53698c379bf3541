#pragma once
// A file written as a stream (exports that grow with the job) to PATH.tmp and
// renamed into place by commit(): a reader never sees half of one, and an
// abandoned one leaves nothing behind.

#include <filesystem>
#include <fstream>

namespace vscsi {

class StreamedFile {
  public:
    explicit StreamedFile(std::filesystem::path path);  // throws std::runtime_error
    StreamedFile(const StreamedFile&) = delete;
    StreamedFile& operator=(const StreamedFile&) = delete;
    ~StreamedFile();  // removes PATH.tmp unless committed

    std::ostream& stream() { return out_; }
    void commit();  // throws std::runtime_error
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_, tmp_;
    std::ofstream out_;
};

}  // namespace vscsi
