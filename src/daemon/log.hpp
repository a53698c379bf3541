#pragma once
// Daemon log lines on stderr. Under systemd (JOURNAL_STREAM set) each line
// starts with a <N> syslog priority the journal understands; otherwise with
// a timestamp. Secrets never reach this: callers log names and numbers only.

#include <fmt/core.h>

#include <string>

namespace vscsi::daemon {

enum class LogLevel { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

// Pure: the line as written (with the newline).
std::string format_log_line(LogLevel level, std::string_view message, bool journal,
                            std::string_view timestamp);

void log_line(LogLevel level, std::string_view message);
void set_log_verbosity(int v);  // 0: info and above, 1+: debug

template <typename... Args>
void log(LogLevel level, fmt::format_string<Args...> f, Args&&... args) {
    log_line(level, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace vscsi::daemon
