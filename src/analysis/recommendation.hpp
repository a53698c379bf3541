#pragma once
// A finding about the measured workload that a sizing engineer should act on,
// with the figures that triggered it (so it can be checked, not just trusted).

#include <string>
#include <string_view>

namespace vscsi {

enum class Severity { info, warning, critical };
std::string_view to_string(Severity s);

struct Recommendation {
    std::string rule;  // stable id, e.g. "unaligned_io" (documented in README)
    Severity severity = Severity::info;
    std::string scope;     // "job" or the disk it is about
    std::string title;     // one line: what was found
    std::string evidence;  // the measured figures and the threshold they crossed
    std::string advice;    // what to do about it
};

}  // namespace vscsi
