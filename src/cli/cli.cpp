#include "cli/cli.hpp"

#include <fmt/core.h>

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "cli/command_context.hpp"
#include "cli/daemon_client.hpp"
#include "cli/exit_codes.hpp"
#include "format/parse_error.hpp"
#include "format/printable_text.hpp"
#include "job/job_dir.hpp"
#include "protocol/json_rpc.hpp"
#include "util/error.hpp"
#include "util/json_text.hpp"
#include "vscsi_config.hpp"

namespace vscsi {
namespace po = boost::program_options;
namespace {

constexpr const char* kUsage =
    R"(vscsi - profile ESXi VM disk workloads with vscsiStats and turn them into fio jobs

Usage: vscsi [global options] COMMAND [command options]

Commands:
  analyze JOB|DIR|CSV...   filter idle samples, compute the workload profile, write
                           analysis/summary.json and a fio job (offline, no daemon);
                           --visualize charts (gnuplot), --report self-contained HTML
  compare JOB_A JOB_B      every figure side by side, what changed (A -> B); --report HTML
  validate JOB             run the job's fio job, re-measure it, score it against the profile
  import FILE.csv...       make a job from hand-collected `vscsiStats -p all -c` files
  import fio IOLOG [LAT]   make a job from fio's per-I/O logs (any fio run, re-measured)
  host discover HOST       list VMs (name, worldGroupID, power state) and their disks over SSH
  vcenter survey VC        rank every VM's virtual disks by vCenter's counters (no SSH)
  demo                     the whole product on the built-in simulated host sim:demo
  job start --host H --vm VM [--profile P]
                           start a collection job in the daemon (--foreground: in this process)
  job status JOB [--follow]   progress, next sample, expected completion, cleanup warnings
  job list [--status S] [--host H] [--tag K=V]
  job stop JOB | job delete JOB [--force] | job cleanup JOB
  daemon status | daemon stop [--stop-jobs]
  serve [--metrics-listen ADDR:PORT] [--metrics-keep MIN] [--stop-jobs-on-exit]
                           the daemon (clients start it on demand; systemd: vscsi.socket)
  version                  print the version

Global options (before or after the command):
  --data-dir DIR   job storage (default $XDG_DATA_HOME/vscsi, ~/.local/share/vscsi)
  --config FILE    configuration file (default $XDG_CONFIG_HOME/vscsi/config)
  --socket PATH    daemon socket (default $XDG_RUNTIME_DIR/vscsi/vscsi.sock)
  --no-autostart   fail (exit 4) instead of starting a daemon when none answers
  --json           machine-readable output on stdout
  -v, --verbose    more detail (repeat for more)
  -h, --help       help (`vscsi COMMAND --help` for a command)

Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 daemon unreachable, 5 bad input data,
6 validation out of tolerance.
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
        std::string socket;
        if (value("--data-dir", data_dir) || value("--config", config)) continue;
        if (value("--socket", socket)) {
            s.ctx.socket = socket;
            continue;
        }
        if (a == "--no-autostart") {
            s.ctx.no_autostart = true;
            continue;
        }
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
    s.ctx.config = config;
    s.ctx.data_dir = data_dir;
    return s;
}

// After the command line, so that a bad config file is reported as --json asked.
void load_configuration(CommandContext& ctx) {
    ctx.config_file = load_config(ctx.config);
    if (ctx.data_dir.empty())
        ctx.data_dir = ctx.config_file.data_dir ? *ctx.config_file.data_dir : default_data_dir();
}

// The "error" field of --json errors for an exit code.
std::string error_name(int code) {
    return code == exit_code::not_found  ? "not_found"
           : code == exit_code::usage    ? "usage"
           : code == exit_code::bad_data ? "bad_data"
                                         : "failure";
}

void report_error(bool json, int code, const std::string& kind, const std::string& raw) {
    const auto message = printable(raw, true);
    std::fflush(stdout);
    std::cerr << "vscsi: " << message << "\n";
    if (json)
        std::cout << compact_json(boost::json::object{
                         {"error", {{"code", code}, {"kind", kind}, {"message", message}}}})
                  << "\n";
}

}  // namespace

int run_cli(int argc, char** argv) {
    // Known before anything can fail: every error under --json is JSON.
    bool json = false;
    for (int i = 1; i < argc; ++i) json = json || std::string_view(argv[i]) == "--json";
    try {
        auto line = split_command_line(argc, argv);
        json = line.ctx.json;
        load_configuration(line.ctx);
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
        if (line.command == "compare") return run_compare(line.ctx);
        if (line.command == "validate") return run_validate(line.ctx);
        if (line.command == "import") return run_import(line.ctx);
        if (line.command == "host") return run_host(line.ctx);
        if (line.command == "job") return run_job(line.ctx);
        if (line.command == "serve") return run_serve(line.ctx);
        if (line.command == "daemon") return run_daemon(line.ctx);
        if (line.command == "demo") return run_demo(line.ctx);
        if (line.command == "vcenter") return run_vcenter(line.ctx);
        throw UsageError(fmt::format("unknown command '{}' (see `vscsi --help`)", line.command));
    } catch (const UsageError& e) {
        report_error(json, exit_code::usage, "usage", e.what());
        return exit_code::usage;
    } catch (const po::error& e) {
        report_error(json, exit_code::usage, "usage", std::string(e.what()) + " (see --help)");
        return exit_code::usage;
    } catch (const DaemonUnreachable& e) {
        report_error(json, exit_code::daemon_unreachable, "daemon_unreachable", e.what());
        return exit_code::daemon_unreachable;
    } catch (const DaemonError& e) {
        const int code = protocol::exit_code_for_rpc(e.code());
        report_error(json, code, error_name(code), e.what());
        return code;
    } catch (const NotFoundError& e) {
        report_error(json, exit_code::not_found, "not_found", e.what());
        return exit_code::not_found;
    } catch (const DataError& e) {
        report_error(json, exit_code::bad_data, "bad_data", e.what());
        return exit_code::bad_data;
    } catch (const UserError& e) {
        const auto kind = e.error().kind;
        const int code = kind == ErrorKind::usage || kind == ErrorKind::conflict ? exit_code::usage
                         : kind == ErrorKind::bad_data  ? exit_code::bad_data
                         : kind == ErrorKind::not_found ? exit_code::not_found
                                                        : exit_code::failure;
        report_error(json, code, error_name(code), e.what());
        return code;
    } catch (const std::invalid_argument& e) {
        report_error(json, exit_code::usage, "usage", e.what());
        return exit_code::usage;
    } catch (const std::exception& e) {
        report_error(json, exit_code::failure, "failure", exception_text(e));
        return exit_code::failure;
    }
}

}  // namespace vscsi
