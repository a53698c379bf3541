#pragma once
// The optional configuration file ($XDG_CONFIG_HOME/vscsi/config): INI-style
// "key = value" lines, "[section]" headers, "#" or ";" comments. Keys are the
// long command-line option names, so a value in [ssh] is exactly a default
// for --KEY. Pure: parsing and validation only; an error names file:line:key.
//
//   data-dir = /srv/vscsi
//   [ssh]          user, port, key (repeatable), known-hosts, ssh-config, password-file,
//                  accept-new-host-key, no-agent, connect-timeout
//   [job]          rearm-every, command-timeout, give-up-after
//   [analysis]     filter, threshold, percentile-method, target, size, runtime, ioengine, rate
//   [daemon]       metrics-listen, stop-jobs-on-exit
//   [profile.NAME] samples, interval   (adds a profile, or overrides quick/standard/deep)

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vscsi {

struct CollectionProfile {
    std::string name;
    std::uint64_t samples = 0;
    double interval_seconds = 0;
};

struct ConfigFile {
    std::string source;  // the file it came from ("" when there was none)
    std::optional<std::filesystem::path> data_dir;
    // Option defaults by section ("ssh", "job", "analysis", "daemon"), in file order.
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> defaults;
    std::map<std::string, CollectionProfile> profiles;  // user profiles only

    // Values of `key` in `section` (repeatable keys may have several).
    std::vector<std::string> values(const std::string& section, const std::string& key) const;
};

// Throws DataError{source, line, key, reason}.
ConfigFile parse_config(std::string_view text, const std::string& source);

// quick/standard/deep, overridden or extended by the file's profiles.
std::map<std::string, CollectionProfile> collection_profiles(const ConfigFile& cfg);

// The file to read: --config, else $XDG_CONFIG_HOME/vscsi/config, else ~/.config/vscsi/config.
std::filesystem::path default_config_path();

// Reads and parses; a missing default file is an empty config, a missing
// --config file is an error. Throws DataError / std::runtime_error.
ConfigFile load_config(const std::filesystem::path& explicit_path);

}  // namespace vscsi
