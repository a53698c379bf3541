#pragma once
// Runs a helper program (gnuplot, fio) with input on stdin and its output
// captured, without a shell and without temp files.

#include <boost/system/result.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vscsi {

struct ProcessResult {
    int exit_code = -1;  // -1 when killed by a signal (see signal)
    int signal = 0;
    bool timed_out = false;
    std::string out, err;

    bool ok() const { return exit_code == 0 && !timed_out; }
};

// argv[0] is looked up in PATH unless it contains a '/'. Errors: the program
// cannot be started (not found, not executable) or the pipes fail; a program
// that runs and fails is a ProcessResult with its exit code and stderr.
boost::system::result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                                 std::string_view input,
                                                 std::chrono::milliseconds timeout);

// PATH lookup of an executable; nullopt when none is found.
std::optional<std::filesystem::path> find_program(std::string_view name);

}  // namespace vscsi
