#include "util/streamed_file.hpp"

#include <fmt/core.h>

#include <stdexcept>

namespace vscsi {
namespace fs = std::filesystem;

StreamedFile::StreamedFile(fs::path path) : path_(std::move(path)), tmp_(path_.string() + ".tmp") {
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
    if (!out_) throw std::runtime_error(fmt::format("cannot write {}", tmp_.string()));
}

void StreamedFile::commit() {
    out_.close();
    if (!out_) throw std::runtime_error(fmt::format("cannot write {}", tmp_.string()));
    fs::rename(tmp_, path_);
}

StreamedFile::~StreamedFile() {
    if (out_.is_open()) {
        out_.close();
        std::error_code ec;
        fs::remove(tmp_, ec);
    }
}

}  // namespace vscsi
