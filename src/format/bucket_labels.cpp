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
    if ((v + 1) % 1024 == 0) return fmt::format("<{}K", (v + 1) / 1024);  // unaligned bucket
    return fmt::format("{}B", v);
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
    if (high) return limit_label(m, *high);
    return low ? ">" + limit_label(m, *low) : "all";
}

std::string_view metric_axis_title(Metric m) {
    switch (m) {
        case Metric::io_length:
            return "IO length (K = KiB, <4K = 2049..4095 bytes)";
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
