#include "analysis/profile_figures.hpp"

#include <fmt/format.h>

#include <cmath>

namespace vscsi {

std::vector<ProfileFigure> profile_figures(const WorkloadMetrics& m) {
    const auto& lr = m.latency_ms_read;
    const auto& lw = m.latency_ms_write;
    const auto kib = [](double bytes) { return bytes / 1024.0; };
    return {
        {"iops.total", "IOPS", "", m.iops.total, 1},
        {"iops.read", "read IOPS", "", m.iops.read, 1},
        {"iops.write", "write IOPS", "", m.iops.write, 1},
        {"throughput_mbps.total", "throughput", "MB/s", m.throughput_mbps.total, 2},
        {"throughput_mbps.read", "read throughput", "MB/s", m.throughput_mbps.read, 2},
        {"throughput_mbps.write", "write throughput", "MB/s", m.throughput_mbps.write, 2},
        {"read_percent", "read share", "%", m.read_percent, 1},
        {"mean_io_kib.read", "mean read size", "KiB", kib(m.mean_io_bytes.read), 1},
        {"mean_io_kib.write", "mean write size", "KiB", kib(m.mean_io_bytes.write), 1},
        {"sequential_percent.read", "sequential reads", "%", m.sequential_percent.read, 1},
        {"sequential_percent.write", "sequential writes", "%", m.sequential_percent.write, 1},
        {"queue_depth.mean", "mean queue depth", "", m.queue_depth.mean, 1},
        {"queue_depth.p95", "p95 queue depth", "", m.queue_depth.p95, 0},
        {"queue_depth.p99", "p99 queue depth", "", m.queue_depth.p99, 0},
        {"latency_ms.read.mean", "mean read latency", "ms", lr.mean, 2, Better::lower},
        {"latency_ms.read.p50", "p50 read latency", "ms", lr.p50, 2, Better::lower},
        {"latency_ms.read.p95", "p95 read latency", "ms", lr.p95, 2, Better::lower},
        {"latency_ms.read.p99", "p99 read latency", "ms", lr.p99, 2, Better::lower},
        {"latency_ms.write.mean", "mean write latency", "ms", lw.mean, 2, Better::lower},
        {"latency_ms.write.p50", "p50 write latency", "ms", lw.p50, 2, Better::lower},
        {"latency_ms.write.p95", "p95 write latency", "ms", lw.p95, 2, Better::lower},
        {"latency_ms.write.p99", "p99 write latency", "ms", lw.p99, 2, Better::lower},
    };
}

std::string format_figure(double value, int decimals, std::string_view unit) {
    if (!std::isfinite(value)) return "-";
    auto s = fmt::format("{:.{}f}", value, decimals);
    if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-')
        s.erase(0, 1);  // "-0.0" reads as a change
    // Thousands separators on the integer part: 12345.6 -> 12,345.6
    const auto dot = s.find('.');
    auto int_end = dot == std::string::npos ? s.size() : dot;
    const std::size_t first = s[0] == '-' ? 1 : 0;
    for (auto i = int_end; i > first + 3; i -= 3) s.insert(i - 3, ",");
    if (unit.empty()) return s;
    return unit == "%" ? s + "%" : s + " " + std::string(unit);
}

}  // namespace vscsi
