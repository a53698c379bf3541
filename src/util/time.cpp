#include "util/time.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <string>

namespace vscsi {

TimePoint now_ms() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
}

namespace {
std::tm to_tm(TimePoint t, long long& millis) {
    const auto ms = t.time_since_epoch().count();
    auto secs = static_cast<std::time_t>(ms / 1000);
    millis = ms % 1000;
    if (millis < 0) {
        millis += 1000;
        --secs;
    }
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return tm;
}

bool take_int(std::string_view& s, std::size_t n, int& v) {
    if (s.size() < n) return false;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + n, v);
    if (ec != std::errc{} || p != s.data() + n) return false;
    s.remove_prefix(n);
    return true;
}

bool take_char(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}
}  // namespace

std::string format_iso8601(TimePoint t) {
    long long millis = 0;
    const auto tm = to_tm(t, millis);
    auto s = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (millis != 0) s += fmt::format(".{:03}", millis);
    return s + "Z";
}

std::string format_compact_utc(TimePoint t) {
    long long millis = 0;
    const auto tm = to_tm(t, millis);
    return fmt::format("{:04}{:02}{:02}-{:02}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::optional<TimePoint> parse_iso8601(std::string_view s) {
    std::tm tm{};
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!take_int(s, 4, y) || !take_char(s, '-') || !take_int(s, 2, mo) || !take_char(s, '-') ||
        !take_int(s, 2, d) || !(take_char(s, 'T') || take_char(s, ' ')) || !take_int(s, 2, h) ||
        !take_char(s, ':') || !take_int(s, 2, mi) || !take_char(s, ':') || !take_int(s, 2, sec))
        return std::nullopt;
    long long millis = 0;
    if (take_char(s, '.')) {
        int digits = 0;
        while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
            if (digits < 3) millis = millis * 10 + (s.front() - '0');
            ++digits;
            s.remove_prefix(1);
        }
        if (digits == 0) return std::nullopt;
        for (; digits < 3; ++digits) millis *= 10;
    }
    long long offset_min = 0;
    if (take_char(s, 'Z')) {
    } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        const bool neg = s.front() == '-';
        s.remove_prefix(1);
        int oh = 0, om = 0;
        if (!take_int(s, 2, oh) || !take_char(s, ':') || !take_int(s, 2, om)) return std::nullopt;
        offset_min = (neg ? -1 : 1) * (oh * 60 + om);
    } else {
        return std::nullopt;
    }
    if (!s.empty() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return std::nullopt;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    const auto secs = static_cast<long long>(timegm(&tm)) - offset_min * 60;
    return TimePoint{std::chrono::milliseconds{secs * 1000 + millis}};
}

long display_utc_offset(TimePoint t) {
    // Unset TZ would mean /etc/localtime to libc; on screen it means UTC, so that what
    // a daemon, a cron job and a login shell print agrees unless the user asks.
    const char* tz = std::getenv("TZ");
    if (!tz || !*tz) return 0;
    const auto secs = static_cast<std::time_t>(
        std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
    std::tm tm{};
    localtime_r(&secs, &tm);
    return tm.tm_gmtoff;
}

namespace {
std::string offset_text(long off) {
    if (off == 0) return "Z";
    const long a = off < 0 ? -off : off;
    return fmt::format("{}{:02}:{:02}", off < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
}
}  // namespace

std::string format_display_time(TimePoint t) {
    const long off = display_utc_offset(t);
    long long millis = 0;
    const auto tm = to_tm(t + std::chrono::seconds(off), millis);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, offset_text(off));
}

std::string display_zone_name(TimePoint t) {
    const long off = display_utc_offset(t);
    return off == 0 ? std::string("UTC") : "UTC" + offset_text(off);
}

std::optional<TimePoint> parse_user_time(std::string_view s) {
    if (auto t = parse_iso8601(s)) return t;
    const auto wall = parse_iso8601(std::string(s) + "Z");
    if (!wall) return std::nullopt;
    // The offset at the instant itself; twice, for a wall time next to a DST change.
    auto t = *wall - std::chrono::seconds(display_utc_offset(*wall));
    return *wall - std::chrono::seconds(display_utc_offset(t));
}

std::string format_duration(double seconds) {
    if (!(seconds >= 0)) seconds = 0;
    const auto s = static_cast<long long>(std::llround(seconds));
    if (s < 60) return fmt::format("{} s", s);
    if (s < 3600)
        return s % 60 ? fmt::format("{} min {} s", s / 60, s % 60) : fmt::format("{} min", s / 60);
    if (s < 86400) return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
    return fmt::format("{} d {} h", s / 86400, (s % 86400) / 3600);
}

double seconds_between(TimePoint a, TimePoint b) {
    return std::chrono::duration<double>(b - a).count();
}

}  // namespace vscsi
