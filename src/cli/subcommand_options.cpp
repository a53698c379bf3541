#include "cli/subcommand_options.hpp"

#include <fmt/core.h>

#include <iostream>
#include <set>

#include "util/file_io.hpp"

namespace vscsi {
namespace po = boost::program_options;

bool parse_subcommand(const CommandContext& ctx, const std::string& usage,
                      po::options_description& desc,
                      const po::positional_options_description& positional, po::variables_map& vm) {
    desc.add_options()("help,h", "show this help");
    // An option whose value is optional (--csv[=PATH], --report[=PATH]) takes
    // it attached only, as git does: `analyze --csv JOB` must not read the
    // job as the CSV's path.
    std::vector<std::string> args;
    po::parsed_options bare(&desc);  // optional-value options given without a value
    for (const auto& a : ctx.args) {
        const auto* opt = a.starts_with("--") && a.find('=') == std::string::npos
                              ? desc.find_nothrow(a.substr(2), false)
                              : nullptr;
        if (opt && opt->semantic()->min_tokens() == 0 && opt->semantic()->max_tokens() == 1)
            bare.options.push_back(po::option(opt->long_name(), {}));
        else
            args.push_back(a);
    }
    po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
    po::store(bare, vm);
    if (vm.count("help")) {
        // Positional arguments are options inside Program_options, not for users.
        std::set<std::string> positional_names;
        for (unsigned i = 0; i < positional.max_total_count() && i < 16; ++i)
            positional_names.insert(positional.name_for_position(i));
        po::options_description visible("Options");
        for (const auto& o : desc.options())
            if (!positional_names.count(o->long_name())) visible.add(o);
        std::cout << usage << "\n" << visible << "\n";
        return false;
    }
    // The config file's defaults for options this command has: the command
    // line was stored first, so it wins (po::store keeps set values).
    po::parsed_options from_config(&desc);
    for (const auto& [section, entries] : ctx.config_file.defaults) {
        for (const auto& [key, value] : entries) {
            const auto* opt = desc.find_nothrow(key, false);
            if (!opt) continue;
            if (opt->semantic()->max_tokens() == 0) {  // a switch: only "true" turns it on
                if (value != "true") continue;
                po::option o(key, {});
                from_config.options.push_back(o);
                continue;
            }
            from_config.options.push_back(po::option(key, {value}));
        }
    }
    try {
        po::store(from_config, vm);
    } catch (const po::error& e) {
        throw UsageError(fmt::format("{}: {}", ctx.config_file.source, e.what()));
    }
    po::notify(vm);
    // An empty --name (e.g. an unset shell variable) must not fall back to a
    // generated name the user then cannot find.
    if (vm.count("name") && vm["name"].as<std::string>().empty())
        throw UsageError(
            "--name is empty: give the job a name, or leave --name out for the default");
    return true;
}

std::map<std::string, std::string> parse_tags(const std::vector<std::string>& tags) {
    std::map<std::string, std::string> out;
    for (const auto& t : tags) {
        const auto eq = t.find('=');
        if (eq == std::string::npos || eq == 0)
            throw UsageError(fmt::format("--tag '{}' is not KEY=VALUE", t));
        out[t.substr(0, eq)] = t.substr(eq + 1);
    }
    return out;
}

void write_output_file(const std::string& path, std::string_view content) {
    if (auto ec = write_file_atomic(path, content))
        throw std::runtime_error(fmt::format("cannot write {}: {}", path, ec.message()));
}

bool group_help_asked(const CommandContext& ctx, std::string_view help) {
    if (ctx.args.empty() ||
        (ctx.args.front() != "--help" && ctx.args.front() != "-h" && ctx.args.front() != "help"))
        return false;
    std::cout << help;
    return true;
}

}  // namespace vscsi
