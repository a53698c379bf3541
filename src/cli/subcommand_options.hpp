#pragma once
// Parsing a subcommand's own arguments with Boost.Program_options.

#include <boost/program_options.hpp>
#include <map>
#include <string>
#include <vector>

#include "cli/command_context.hpp"

namespace vscsi {

// Parses ctx.args against `desc` with `positional` names; prints help and
// returns false when --help was asked for.
bool parse_subcommand(const CommandContext& ctx, const std::string& usage,
                      boost::program_options::options_description& desc,
                      const boost::program_options::positional_options_description& positional,
                      boost::program_options::variables_map& vm);

// `vscsi job --help` and the like: true (after printing `help`, the group's
// subcommands, to stdout) when the first argument asks for help.
bool group_help_asked(const CommandContext& ctx, std::string_view help);

// "k=v" pairs from --tag; throws UsageError naming the bad one.
std::map<std::string, std::string> parse_tags(const std::vector<std::string>& tags);

// Writes `content` to `path` atomically, throwing a runtime_error that names the file.
void write_output_file(const std::string& path, std::string_view content);

}  // namespace vscsi
