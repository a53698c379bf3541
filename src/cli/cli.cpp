#include "cli/cli.hpp"

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <cstdio>
#include <iostream>

#include "cli/command_context.hpp"
#include "cli/exit_codes.hpp"
#include "format/parse_error.hpp"
#include "job/job_dir.hpp"
#include "util/json_text.hpp"
#include "vscsi_config.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace {

constexpr const char* kUsage = R"(vscsi - profile ESXi VM disk workloads with vscsiStats and turn them into fio jobs

Usage: vscsi [global options] COMMAND [command options]

Commands:
  analyze JOB|DIR|CSV...   filter idle samples, compute the workload profile, write
                           analysis/summary.json and a fio job (offline, no daemon)
  import FILE.csv...       make a job from hand-collected `vscsiStats -p all -c` files
  host discover HOST       list VMs (name, worldGroupID, power state) and their disks over SSH
  job start ... --foreground
                           collect samples from a host in this process until the job ends
  version                  print the version

Global options (before or after the command):
  --data-dir DIR   job storage (default $XDG_DATA_HOME/vscsi, ~/.local/share/vscsi)
  --config FILE    configuration file (default $XDG_CONFIG_HOME/vscsi/config)
  --json           machine-readable output on stdout
  -v, --verbose    more detail (repeat for more)
  -h, --help       help (`vscsi COMMAND --help` for a command)

Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 daemon unreachable, 5 bad input data.
)";

// Pulls the global options out of the command line wherever they appear, so
// `vscsi --json analyze X` and `vscsi analyze X --json` mean the same.
struct SplitLine {
    CommandContext ctx;
    std::string command;
    bool help = false;
    bool version = false;
};

SplitLine split_command_line(int argc, char** argv) {
    SplitLine s;
    std::string data_dir, config;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](std::string_view name, std::string& out) -> bool {
            if (a == name) {
                if (i + 1 >= argc) throw UsageError(fmt::format("{} needs a value", name));
                out = argv[++i];
                return true;
            }
            if (a.starts_with(std::string(name) + "=")) {
                out = a.substr(name.size() + 1);
                return true;
            }
            return false;
        };
        if (value("--data-dir", data_dir) || value("--config", config)) continue;
        if (a == "--json") {
            s.ctx.json = true;
        } else if (a == "-v" || a == "--verbose") {
            ++s.ctx.verbosity;
        } else if (a == "-vv") {
            s.ctx.verbosity += 2;
        } else if (a == "--version") {
            s.version = true;
        } else if (s.command.empty() && (a == "-h" || a == "--help")) {
            s.help = true;
        } else if (s.command.empty() && !a.starts_with("-")) {
            s.command = a;
        } else {
            s.ctx.args.push_back(a);
        }
    }
    s.ctx.data_dir = data_dir.empty() ? default_data_dir() : std::filesystem::path(data_dir);
    s.ctx.config = config;
    return s;
}

void report_error(bool json, int code, const std::string& kind, const std::string& message) {
    std::fflush(stdout);
    std::cerr << "vscsi: " << message << "\n";
    if (json)
        std::cout << compact_json(boost::json::object{
                         {"error", {{"code", code}, {"kind", kind}, {"message", message}}}})
                  << "\n";
}

}  // namespace

int run_cli(int argc, char** argv) {
    bool json = false;
    try {
        auto line = split_command_line(argc, argv);
        json = line.ctx.json;
        if (line.version || line.command == "version") {
            if (json)
                std::cout << compact_json(boost::json::object{{"version", VSCSI_VERSION}}) << "\n";
            else
                std::cout << "vscsi " << VSCSI_VERSION << "\n";
            return exit_code::ok;
        }
        if (line.help || line.command.empty() || line.command == "help") {
            std::cout << kUsage;
            return line.command.empty() && !line.help ? exit_code::usage : exit_code::ok;
        }
        if (line.command == "analyze") return run_analyze(line.ctx);
        if (line.command == "import") return run_import(line.ctx);
        if (line.command == "host") return run_host(line.ctx);
        if (line.command == "job") return run_job(line.ctx);
        throw UsageError(fmt::format("unknown command '{}' (see `vscsi --help`)", line.command));
    } catch (const UsageError& e) {
        report_error(json, exit_code::usage, "usage", e.what());
        return exit_code::usage;
    } catch (const po::error& e) {
        report_error(json, exit_code::usage, "usage", std::string(e.what()) + " (see --help)");
        return exit_code::usage;
    } catch (const NotFoundError& e) {
        report_error(json, exit_code::not_found, "not_found", e.what());
        return exit_code::not_found;
    } catch (const DataError& e) {
        report_error(json, exit_code::bad_data, "bad_data", e.what());
        return exit_code::bad_data;
    } catch (const std::invalid_argument& e) {
        report_error(json, exit_code::usage, "usage", e.what());
        return exit_code::usage;
    } catch (const std::exception& e) {
        report_error(json, exit_code::failure, "failure", e.what());
        return exit_code::failure;
    }
}

}  // namespace vscsi
