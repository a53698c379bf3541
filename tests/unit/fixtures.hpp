#pragma once
// Access to tests/fixtures (path given by meson in VSCSI_FIXTURES) and scratch dirs.

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "format/parse_error.hpp"

namespace vscsi::test {

// A parse that must succeed; its error, if any, is the failure message.
inline void require_parsed(const ParseStatus& s) {
    if (!s) FAIL(s.error().message());
}
// A parse that must fail: where and why.
inline ParseError parse_failure(const ParseStatus& s) {
    REQUIRE_FALSE(s.has_value());
    return s.error();
}

inline std::filesystem::path fixtures_dir() {
    const char* d = std::getenv("VSCSI_FIXTURES");
    REQUIRE(d != nullptr);
    return d;
}

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::string real_sample() {
    return read_text(fixtures_dir() / "esxi-sample-wg2099979-scsi0_0.csv");
}

inline void write_text(const std::filesystem::path& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary);
    out << s;
    REQUIRE(out.good());
}

// A fresh directory removed at scope exit.
class ScratchDir {
  public:
    ScratchDir() {
        static std::atomic<int> n{0};
        path_ = std::filesystem::temp_directory_path() /
                ("vscsi-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace vscsi::test
