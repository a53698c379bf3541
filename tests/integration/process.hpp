#pragma once
// Runs a command line through /bin/sh and captures stdout, stderr and the exit code.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "../unit/fixtures.hpp"

namespace vscsi::test {

struct ProcessResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

inline ProcessResult run(const std::string& command) {
    static int n = 0;
    const auto err_file =
        std::filesystem::temp_directory_path() /
        ("vscsi-test-stderr-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    ProcessResult r;
    FILE* p = ::popen((command + " 2>'" + err_file.string() + "'").c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf;
    std::size_t got = 0;
    while ((got = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), got);
    const int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (std::filesystem::exists(err_file)) {
        r.err = read_text(err_file);
        std::filesystem::remove(err_file);
    }
    return r;
}

inline std::string shell_quote(const std::filesystem::path& p) {
    return "'" + p.string() + "'";
}

inline std::string vscsi_bin() {
    const char* b = std::getenv("VSCSI_BIN");
    REQUIRE(b != nullptr);
    return b;
}

}  // namespace vscsi::test
