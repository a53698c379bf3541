#include "daemon/log.hpp"

#include <cstdio>
#include <cstdlib>

#include "util/time.hpp"

namespace vscsi::daemon {
namespace {
int g_verbosity = 0;
const char* level_name(LogLevel l) {
    switch (l) {
        case LogLevel::error:
            return "error";
        case LogLevel::warning:
            return "warning";
        case LogLevel::notice:
            return "notice";
        case LogLevel::info:
            return "info";
        case LogLevel::debug:
            return "debug";
    }
    return "?";
}
}  // namespace

std::string format_log_line(LogLevel level, std::string_view message, bool journal,
                            std::string_view timestamp) {
    std::string one_line(message);
    for (auto& c : one_line)
        if (c == '\n' || c == '\r') c = ' ';  // one record per line, whatever a host printed
    if (journal) return fmt::format("<{}>{}\n", static_cast<int>(level), one_line);
    return fmt::format("{} {} {}\n", timestamp, level_name(level), one_line);
}

void set_log_verbosity(int v) {
    g_verbosity = v;
}

void log_line(LogLevel level, std::string_view message) {
    if (level == LogLevel::debug && g_verbosity < 1) return;
    static const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
    const auto line = format_log_line(level, message, journal, format_iso8601(now_ms()));
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace vscsi::daemon
