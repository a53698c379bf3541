#pragma once
// vSphere performance data: the counter catalogue (ids differ between servers,
// so names are looked up, never hard-coded) and QueryPerf's series. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vsphere/vim_calls.hpp"

namespace vscsi::vsphere {

struct PerfCounterInfo {
    std::int32_t key = 0;
    std::string group, name, rollup, unit,
        stats_type;  // "virtualDisk", "read", "average", "kiloBytesPerSecond", "rate"
    int level = 0;   // the statistics level that keeps it in historical rollups
};

// PerformanceManager.perfCounter (from retrieve_object_properties_body).
Decoded<std::vector<PerfCounterInfo>> decode_perf_counters(const ObjectPage& page,
                                                           const std::string& source);

// The counter of that group, name and rollup; nullptr when the server has none.
const PerfCounterInfo* find_counter(const std::vector<PerfCounterInfo>& counters,
                                    std::string_view group, std::string_view name,
                                    std::string_view rollup);

struct PerfSeries {
    std::int32_t counter = 0;
    std::string instance;  // "scsi0:0"; "" (or "*" from some servers) for the entity as a whole
    std::vector<std::int64_t> values;
};

struct EntityMetrics {
    MoRef entity;
    std::size_t samples =
        0;  // sampleInfo entries: a series may hold fewer (servers drop zero values)
    int interval_s = 0;
    std::string first_time, last_time;  // sampleInfo's timestamps as sent (ISO 8601), in time order
    std::vector<PerfSeries> series;
};

Decoded<std::vector<EntityMetrics>> decode_query_perf(const XmlElement& response,
                                                      const std::string& source);

}  // namespace vscsi::vsphere
