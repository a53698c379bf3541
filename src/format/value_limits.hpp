#pragma once
// The ranges every number a user or a file gives must fall in, and the one
// check that enforces them. CLI options, the config file, JSON-RPC requests
// and job.json are all read through it, so "1e300 seconds" or "port 99999"
// is refused the same way everywhere, before any arithmetic can overflow.

#include <optional>
#include <string>
#include <string_view>

namespace vscsi::limits {

struct NumberRange {
    double min = 0, max = 0;
    bool whole = false;     // only integers
    std::string_view unit;  // "s", "" ...
};

// Seconds between collected samples: vscsiStats' clock and the ESXi auto-stop
// make less than 1 s meaningless; more than a day is a misunderstanding.
inline constexpr NumberRange kCollectionInterval{1, 86400, false, "s"};
// Seconds an imported print or a fio sample covers.
inline constexpr NumberRange kImportInterval{0.001, 366.0 * 86400, false, "s"};
inline constexpr NumberRange kSamples{1, 10'000'000, true, ""};
inline constexpr NumberRange kPort{1, 65535, true, ""};
// Re-arm period, command timeout, give-up time, connect timeout (seconds).
inline constexpr NumberRange kTimeoutSeconds{1, 31.0 * 86400, false, "s"};
// Seconds to connect and log in (SSH).
inline constexpr NumberRange kConnectTimeout{1, 3600, false, "s"};
// fio runtime of a generated job (seconds).
inline constexpr NumberRange kFioRuntime{1, 31.0 * 86400, true, "s"};

// "1 to 86400 s"
std::string describe(const NumberRange& r);

// Nothing when `v` is finite and within `r` (and whole when asked); else why
// not, e.g. "1e+300 is out of range: 1 to 86400 s". Callers put the name of
// the option, key or field in front.
std::optional<std::string> out_of_range(double v, const NumberRange& r);

}  // namespace vscsi::limits
