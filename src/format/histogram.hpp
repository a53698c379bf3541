#pragma once
// The vscsiStats data model: per virtual disk, up to 16 independent histograms.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format/histogram_limits.hpp"

namespace vscsi {

enum class Metric : std::uint8_t {
    io_length,                // bytes
    seek_distance,            // LBNs between successive commands (+1 = sequential)
    seek_distance_closest16,  // LBNs from the closest of the previous 16 (total only)
    latency,                  // microseconds
    outstanding_ios,          // queue depth seen by a new IO
    interarrival,             // microseconds
};

enum class Direction : std::uint8_t { total, read, write };
inline constexpr std::array<Direction, 3> kAllDirections{Direction::total, Direction::read,
                                                         Direction::write};

inline constexpr std::size_t kMetricCount = 6;
inline constexpr std::size_t kSlotCount = 16;

// Each (metric, direction) pair that vscsiStats prints has one slot, in the
// order vscsiStats prints them; closest-of-16 exists only as a total.
constexpr std::optional<std::size_t> slot_of(Metric m, Direction d) {
    const auto di = static_cast<std::size_t>(d);
    switch (m) {
        case Metric::io_length:
            return di;
        case Metric::seek_distance:
            return 3 + di;
        case Metric::seek_distance_closest16:
            return d == Direction::total ? std::optional<std::size_t>{6} : std::nullopt;
        case Metric::latency:
            return 7 + di;
        case Metric::outstanding_ios:
            return 10 + di;
        case Metric::interarrival:
            return 13 + di;
    }
    return std::nullopt;
}

struct SlotInfo {
    Metric metric;
    Direction direction;
    std::string_view title;  // exactly as vscsiStats prints it after "Histogram: "
    std::string_view key;    // stable short name used in exports, e.g. "latency.read"
};

const std::array<SlotInfo, kSlotCount>& slot_table();
inline const SlotInfo& slot_info(std::size_t slot) {
    return slot_table().at(slot);
}
std::optional<std::size_t> slot_from_title(std::string_view title);

std::string_view metric_name(Metric m);
std::string_view direction_name(Direction d);
std::string_view metric_unit(Metric m);

// A histogram exactly as vscsiStats reports it. Bucket i counts values in
// (limits[i-1], limits[i]]; bucket 0 catches everything <= limits[0]; the
// extra last frequency is the overflow bucket (> limits.back()).
struct Histogram {
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::int64_t mean = 0;  // vscsiStats prints an integer mean
    std::uint64_t count = 0;
    HistogramLimits limits;
    std::vector<std::uint64_t> frequencies;  // limits.size() + 1 entries

    std::uint64_t overflow() const { return frequencies.empty() ? 0 : frequencies.back(); }
    std::uint64_t frequency_sum() const;
    bool empty() const { return count == 0; }
};

struct DiskId {
    std::int64_t world_group_id = 0;
    std::int64_t handle_id = 0;
    std::string label;  // e.g. "scsi0:0"; may be empty on formats that omit it

    bool same_disk(const DiskId& o) const {
        return world_group_id == o.world_group_id && handle_id == o.handle_id;
    }
    std::string display() const;  // "scsi0:0 (wg 2099979, handle 8194)"
};

// What tells disks apart, as a hash-map key: (worldGroupID, handleID).
using DiskKey = std::pair<std::int64_t, std::int64_t>;
inline DiskKey disk_key(const DiskId& d) {
    return {d.world_group_id, d.handle_id};
}
// Mixed (splitmix64's finaliser): libstdc++ hashes integers to themselves, and
// IDs that step in patterns would otherwise share buckets.
struct DiskKeyHash {
    std::size_t operator()(const DiskKey& k) const {
        auto x = static_cast<std::uint64_t>(k.first) * 0x9E3779B97F4A7C15ULL ^
                 static_cast<std::uint64_t>(k.second);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
        return static_cast<std::size_t>(x ^ (x >> 31));
    }
};

struct DiskHistograms {
    DiskId disk;
    std::array<Histogram, kSlotCount> slots;
    std::array<bool, kSlotCount> present{};
    std::array<std::size_t, kSlotCount> header_line{};  // 1-based source line of each header

    const Histogram* find(Metric m, Direction d) const {
        const auto s = slot_of(m, d);
        return (s && present[*s]) ? &slots[*s] : nullptr;
    }
    Histogram* find(Metric m, Direction d) {
        const auto s = slot_of(m, d);
        return (s && present[*s]) ? &slots[*s] : nullptr;
    }
};

// One `vscsiStats -p ... -c` output: the disks in the order first seen.
struct VscsiStatsOutput {
    std::vector<DiskHistograms> disks;
};

}  // namespace vscsi
