#include "format/bucket_labels.hpp"

#include <fmt/format.h>

namespace vscsi {
namespace {

// 1000 -> "1", 1500 -> "1.5": limits are round numbers, keep them short.
std::string compact(double v) {
    return fmt::format("{:g}", v);
}

std::string bytes_label(std::int64_t v) {
    if (v >= 1024 * 1024 && v % (1024 * 1024) == 0) return fmt::format("{}M", v / (1024 * 1024));
    if (v >= 1024 && v % 1024 == 0) return fmt::format("{}K", v / 1024);
    return fmt::format("{}B", v);
}

bool is_power_of_two(std::int64_t v) {
    return v > 0 && (v & (v - 1)) == 0;
}

// An IO-length bucket (low, high] as the sizes it holds: "4K" when it holds
// one size, "8\u201316K" for 8193..16383 bytes (the limits one byte short of a
// power of two are ranges, not "below"), with "(unaligned)" where no size in
// it is a multiple of 4 KiB (only the 4095 and 8191 buckets).
std::string size_bucket_label(std::optional<std::int64_t> high, std::optional<std::int64_t> low,
                              bool mark_unaligned) {
    if (!high) return ">" + bytes_label(low.value_or(0));
    if (!low || *low + 1 >= *high) return bytes_label(*high);
    const auto end = is_power_of_two(*high + 1) ? *high + 1 : *high;
    auto from = bytes_label(*low);
    const auto to = bytes_label(end);
    // "2K-4K" reads as "2-4K" when both ends have the same unit.
    if (from.back() == to.back() && from.back() != 'B') from.pop_back();
    auto label = from + "\u2013" + to;
    const bool holds_4k_multiple = (*high / 4096) * 4096 > *low;
    if (mark_unaligned && *high >= 4095 && !holds_4k_multiple) label += " (unaligned)";
    return label;
}

std::string distance_label(std::int64_t v) {
    const auto mag = v < 0 ? -v : v;
    const std::string sign = v > 0 ? "+" : v < 0 ? "-" : "";
    if (mag >= 1000 && mag % 1000 == 0) return fmt::format("{}{}K", sign, mag / 1000);
    return fmt::format("{}{}", sign, mag);
}

std::string microseconds_label(std::int64_t v) {
    if (v >= 1000000) return compact(static_cast<double>(v) / 1e6) + "s";
    if (v >= 1000) return compact(static_cast<double>(v) / 1e3) + "ms";
    return fmt::format("{}\u00b5s", v);
}

}  // namespace

std::string limit_label(Metric m, std::int64_t v) {
    switch (m) {
        case Metric::io_length:
            return bytes_label(v);
        case Metric::seek_distance:
        case Metric::seek_distance_closest16:
            return distance_label(v);
        case Metric::latency:
        case Metric::interarrival:
            return microseconds_label(v);
        case Metric::outstanding_ios:
            return std::to_string(v);
    }
    return std::to_string(v);
}

std::string bucket_label(Metric m, std::optional<std::int64_t> high,
                         std::optional<std::int64_t> low) {
    if (m == Metric::io_length) return size_bucket_label(high, low, true);
    if (high) return limit_label(m, *high);
    return low ? ">" + limit_label(m, *low) : "all";
}

std::string bucket_tick_label(Metric m, std::optional<std::int64_t> high,
                              std::optional<std::int64_t> low) {
    if (m == Metric::io_length) return size_bucket_label(high, low, false);
    return bucket_label(m, high, low);
}

std::string_view metric_axis_title(Metric m) {
    switch (m) {
        case Metric::io_length:
            return "IO length (K = KiB; a\u2013b: above a, up to b)";
        case Metric::seek_distance:
            return "Distance from previous IO (512-byte LBNs, +1 = sequential)";
        case Metric::seek_distance_closest16:
            return "Distance from closest of last 16 IOs (LBNs)";
        case Metric::latency:
            return "Latency (\u00b5s / ms)";
        case Metric::outstanding_ios:
            return "Outstanding IOs when an IO is issued";
        case Metric::interarrival:
            return "Interarrival time (\u00b5s / ms)";
    }
    return "";
}

std::string_view metric_title(Metric m) {
    switch (m) {
        case Metric::io_length:
            return "IO length";
        case Metric::seek_distance:
            return "Seek distance";
        case Metric::seek_distance_closest16:
            return "Seek distance (closest of 16)";
        case Metric::latency:
            return "Latency";
        case Metric::outstanding_ios:
            return "Outstanding IOs";
        case Metric::interarrival:
            return "Interarrival time";
    }
    return "";
}

}  // namespace vscsi
