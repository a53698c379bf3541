#pragma once
// What every subcommand gets: the global options, wherever they were given.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config_file.hpp"

namespace vscsi {

struct CommandContext {
    std::filesystem::path data_dir;
    std::filesystem::path config;  // --config as given (empty: the default path)
    ConfigFile config_file;        // what it holds (empty when there is none)
    std::filesystem::path socket;  // --socket (empty: the default)
    bool no_autostart = false;     // --no-autostart: fail with exit 4 instead of starting a daemon
    bool json = false;
    int verbosity = 0;
    std::vector<std::string> args;  // the subcommand's own arguments
};

// A command line the user must fix; exits with exit_code::usage.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Something named does not exist; exits with exit_code::not_found.
class NotFoundError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

int run_analyze(const CommandContext& ctx);
int run_compare(const CommandContext& ctx);
int run_validate(const CommandContext& ctx);
int run_import(const CommandContext& ctx);
int run_host(const CommandContext& ctx);
int run_job(const CommandContext& ctx);
int run_serve(const CommandContext& ctx);
int run_daemon(const CommandContext& ctx);
int run_demo(const CommandContext& ctx);
int run_vcenter(const CommandContext& ctx);

}  // namespace vscsi
