#include "format/histogram.hpp"

#include <fmt/core.h>

#include <numeric>

namespace vscsi {

const std::array<SlotInfo, kSlotCount>& slot_table() {
    using M = Metric;
    using D = Direction;
    static const std::array<SlotInfo, kSlotCount> table{{
        {M::io_length, D::total, "IO lengths of commands", "io_length.total"},
        {M::io_length, D::read, "IO lengths of Read commands", "io_length.read"},
        {M::io_length, D::write, "IO lengths of Write commands", "io_length.write"},
        {M::seek_distance, D::total, "distance (in LBNs) between successive commands",
         "seek_distance.total"},
        {M::seek_distance, D::read, "distance (in LBNs) between successive Read commands",
         "seek_distance.read"},
        {M::seek_distance, D::write, "distance (in LBNs) between successive Write commands",
         "seek_distance.write"},
        {M::seek_distance_closest16, D::total,
         "distance (in LBNs) between each command from the closest of previous 16",
         "seek_distance_closest16.total"},
        {M::latency, D::total, "latency of IOs in Microseconds (us)", "latency.total"},
        {M::latency, D::read, "latency of Read IOs in Microseconds (us)", "latency.read"},
        {M::latency, D::write, "latency of Write IOs in Microseconds (us)", "latency.write"},
        {M::outstanding_ios, D::total, "number of outstanding IOs when a new IO is issued",
         "outstanding_ios.total"},
        {M::outstanding_ios, D::read, "number of outstanding Read IOs when a new Read IO is issued",
         "outstanding_ios.read"},
        {M::outstanding_ios, D::write,
         "number of outstanding Write IOs when a new Write IO is issued", "outstanding_ios.write"},
        {M::interarrival, D::total, "latency of IO interarrival time in Microseconds (us)",
         "interarrival.total"},
        {M::interarrival, D::read, "latency of IO interarrival time for Reads in Microseconds (us)",
         "interarrival.read"},
        {M::interarrival, D::write,
         "latency of IO interarrival time for Writes in Microseconds (us)", "interarrival.write"},
    }};
    return table;
}

std::optional<std::size_t> slot_from_title(std::string_view title) {
    const auto& t = slot_table();
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t[i].title == title) return i;
    return std::nullopt;
}

std::string_view metric_name(Metric m) {
    switch (m) {
        case Metric::io_length:
            return "io_length";
        case Metric::seek_distance:
            return "seek_distance";
        case Metric::seek_distance_closest16:
            return "seek_distance_closest16";
        case Metric::latency:
            return "latency";
        case Metric::outstanding_ios:
            return "outstanding_ios";
        case Metric::interarrival:
            return "interarrival";
    }
    return "?";
}

std::string_view direction_name(Direction d) {
    switch (d) {
        case Direction::total:
            return "total";
        case Direction::read:
            return "read";
        case Direction::write:
            return "write";
    }
    return "?";
}

std::string_view metric_unit(Metric m) {
    switch (m) {
        case Metric::io_length:
            return "bytes";
        case Metric::seek_distance:
        case Metric::seek_distance_closest16:
            return "LBN";
        case Metric::latency:
        case Metric::interarrival:
            return "us";
        case Metric::outstanding_ios:
            return "IOs";
    }
    return "";
}

std::uint64_t Histogram::frequency_sum() const {
    return std::accumulate(frequencies.begin(), frequencies.end(), std::uint64_t{0});
}

std::string DiskId::display() const {
    if (label.empty()) return fmt::format("wg {} handle {}", world_group_id, handle_id);
    return fmt::format("{} (wg {}, handle {})", label, world_group_id, handle_id);
}

}  // namespace vscsi
