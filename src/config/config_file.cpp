#include "config/config_file.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "format/parse_error.hpp"
#include "format/text_lines.hpp"
#include "format/value_limits.hpp"
#include "util/error.hpp"
#include "util/file_io.hpp"

namespace vscsi {

namespace {

enum class Kind { text, number, ranged, boolean };

struct KeySpec {
    const char* section;
    const char* key;
    Kind kind;
    bool repeatable = false;
    const limits::NumberRange* range = nullptr;  // Kind::ranged
};

constexpr KeySpec kKeys[] = {
    {"", "data-dir", Kind::text},
    {"ssh", "user", Kind::text},
    {"ssh", "port", Kind::ranged, false, &limits::kPort},
    {"ssh", "key", Kind::text, true},
    {"ssh", "known-hosts", Kind::text},
    {"ssh", "ssh-config", Kind::text},
    {"ssh", "password-file", Kind::text},
    {"ssh", "accept-new-host-key", Kind::boolean},
    {"ssh", "no-agent", Kind::boolean},
    {"ssh", "connect-timeout", Kind::ranged, false, &limits::kConnectTimeout},
    {"job", "rearm-every", Kind::ranged, false, &limits::kTimeoutSeconds},
    {"job", "command-timeout", Kind::ranged, false, &limits::kTimeoutSeconds},
    {"job", "give-up-after", Kind::ranged, false, &limits::kTimeoutSeconds},
    {"analysis", "filter", Kind::text},
    {"analysis", "threshold", Kind::number},
    {"analysis", "percentile-method", Kind::text},
    {"analysis", "target", Kind::text},
    {"analysis", "size", Kind::text},
    {"analysis", "runtime", Kind::ranged, false, &limits::kFioRuntime},
    {"analysis", "ioengine", Kind::text},
    {"analysis", "rate", Kind::text},
    {"daemon", "metrics-listen", Kind::text},
    {"daemon", "stop-jobs-on-exit", Kind::boolean},
};

std::optional<double> to_number(std::string_view v) {
    std::string s(v);
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(s.c_str(), &end);
    if (s.empty() || errno || *end) return std::nullopt;
    return d;
}

std::optional<bool> to_bool(std::string_view v) {
    std::string s(v);
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
    if (s == "false" || s == "no" || s == "off" || s == "0") return false;
    return std::nullopt;
}

std::string known_keys(const std::string& section) {
    std::string out;
    for (const auto& k : kKeys)
        if (section == k.section) out += (out.empty() ? "" : ", ") + std::string(k.key);
    return out;
}

}  // namespace

std::vector<std::string> ConfigFile::values(const std::string& section,
                                            const std::string& key) const {
    std::vector<std::string> out;
    if (auto it = defaults.find(section); it != defaults.end())
        for (const auto& [k, v] : it->second)
            if (k == key) out.push_back(v);
    return out;
}

ConfigFile parse_config(std::string_view text, const std::string& source) {
    ConfigFile cfg;
    cfg.source = source;
    std::string section;
    std::set<std::pair<std::string, std::string>> seen;
    std::size_t line_no = 0;
    auto fail = [&](const std::string& key, const std::string& why) {
        throw DataError(ParseError{source, line_no, key, why});
    };
    text::LineReader reader(text, 1);
    std::string_view line;
    while (reader.next(line)) {
        line_no = reader.line_no();
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        if (line.front() == '[') {
            const auto close = line.find(']');
            const auto rest =
                close == std::string_view::npos ? line : text::trim(line.substr(close + 1));
            if (close == std::string_view::npos ||
                !(rest.empty() || rest.front() == '#' || rest.front() == ';'))
                fail("", "a section header must look like [name]");
            section = std::string(text::trim(line.substr(1, close - 1)));
            const bool known = section == "ssh" || section == "job" || section == "analysis" ||
                               section == "daemon" ||
                               (section.starts_with("profile.") && section.size() > 8);
            if (!known)
                fail(section,
                     "unknown section: use [ssh], [job], [analysis], [daemon] or [profile.NAME]");
            if (section.starts_with("profile.")) {
                const auto name = section.substr(8);
                if (name.find_first_not_of(
                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
                    std::string::npos)
                    fail(section, "a profile name may use letters, digits, '_' and '-' only");
                cfg.profiles[name].name = name;
            }
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) fail(std::string(line), "expected KEY = VALUE");
        const std::string key(text::trim(line.substr(0, eq)));
        std::string value(text::trim(line.substr(eq + 1)));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        if (key.empty()) fail("", "missing key before '='");
        if (section.starts_with("profile.")) {
            auto& p = cfg.profiles[section.substr(8)];
            const auto n = to_number(value);
            // Checked before converting: 1e30 samples do not fit any integer.
            const auto& range = key == "samples" ? limits::kSamples : limits::kCollectionInterval;
            if ((key == "samples" || key == "interval") && !n)
                fail(key,
                     fmt::format("'{}' is not a number: give {}", value, limits::describe(range)));
            if (key == "samples" || key == "interval")
                if (auto why = limits::out_of_range(*n, range)) fail(key, *why);
            if (key == "samples") {
                p.samples = static_cast<std::uint64_t>(*n);
            } else if (key == "interval") {
                p.interval_seconds = *n;
            } else {
                fail(key, "unknown key in a profile: use samples and interval");
            }
            continue;
        }
        const KeySpec* spec = nullptr;
        for (const auto& k : kKeys)
            if (section == k.section && key == k.key) spec = &k;
        if (!spec)
            fail(key, section.empty()
                          ? "unknown key before any section: only data-dir (or start a [section])"
                          : fmt::format("unknown key in [{}]: expected one of {}", section,
                                        known_keys(section)));
        if (!spec->repeatable && !seen.insert({section, key}).second) fail(key, "given twice");
        switch (spec->kind) {
            case Kind::text:
                if (value.empty()) fail(key, "empty value");
                break;
            case Kind::number:
                if (!to_number(value)) fail(key, fmt::format("'{}' is not a number", value));
                break;
            case Kind::ranged: {
                const auto n = to_number(value);
                if (!n)
                    fail(key, fmt::format("'{}' is not a number: give {}", value,
                                          limits::describe(*spec->range)));
                if (auto why = limits::out_of_range(*n, *spec->range)) fail(key, *why);
                break;
            }
            case Kind::boolean: {
                const auto b = to_bool(value);
                if (!b) fail(key, fmt::format("'{}' is not true or false", value));
                value = *b ? "true" : "false";
                break;
            }
        }
        if (section.empty())
            cfg.data_dir = std::filesystem::path(value);
        else
            cfg.defaults[section].emplace_back(key, value);
    }
    line_no = 0;
    for (const auto& [name, p] : cfg.profiles)
        if (!p.samples || !(p.interval_seconds >= 1))
            fail("profile." + name, "a profile needs both samples and interval");
    return cfg;
}

std::map<std::string, CollectionProfile> collection_profiles(const ConfigFile& cfg) {
    std::map<std::string, CollectionProfile> all{{"quick", {"quick", 10, 30}},
                                                 {"standard", {"standard", 30, 60}},
                                                 {"deep", {"deep", 100, 120}}};
    for (const auto& [name, p] : cfg.profiles) all[name] = p;
    return all;
}

std::filesystem::path default_config_path() {
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
        return std::filesystem::path(x) / "vscsi" / "config";
    if (const char* h = std::getenv("HOME"); h && *h)
        return std::filesystem::path(h) / ".config" / "vscsi" / "config";
    return {};
}

ConfigFile load_config(const std::filesystem::path& explicit_path) {
    const auto path = explicit_path.empty() ? default_config_path() : explicit_path;
    if (path.empty()) return {};
    std::string text;
    if (auto ec = read_file(path, text)) {
        if (explicit_path.empty() && ec == boost::system::errc::no_such_file_or_directory)
            return {};
        if (ec == boost::system::errc::no_such_file_or_directory)
            throw UserError({ErrorKind::not_found, fmt::format("no config file {}", path.string()),
                             "check the --config path, or leave --config out"});
        throw std::runtime_error(
            fmt::format("cannot read config file {}: {}", path.string(), ec.message()));
    }
    return parse_config(text, path.string());
}

}  // namespace vscsi
