#pragma once
// A fleet survey: per VM and virtual disk, what vCenter's real-time virtualDisk
// counters say about the last minutes, ranked busiest first. Pure: it reads
// the counter catalogue, the inventory and QueryPerf's series.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vsphere/perf_metrics.hpp"
#include "vsphere/vm_inventory.hpp"

namespace vscsi::vsphere {

// The virtualDisk counters a survey reads, in the order of kSurveyCounters.
enum class DiskCounter {
    read_iops,         // numberReadAveraged, average (rate, level 1)
    write_iops,        // numberWriteAveraged
    read_kbps,         // read, average (KiB/s, level 2)
    write_kbps,        // write
    read_latency_us,   // readLatencyUS, latest (level 4)
    write_latency_us,  // writeLatencyUS
    read_latency_ms,   // totalReadLatency, average (level 1): when the µs counter is missing
    write_latency_ms,  // totalWriteLatency
    read_oio,          // readOIO, latest (level 2)
    write_oio,         // writeOIO
    read_io_size,      // readIOSize, latest (bytes, level 4): when the rates cannot give the mean
    write_io_size,     // writeIOSize
    small_seeks,       // smallSeeks, latest (< 64 LBNs, level 4)
    medium_seeks,      // mediumSeeks (64 - 8192 LBNs)
    large_seeks,       // largeSeeks (> 8192 LBNs)
    count
};
inline constexpr std::size_t kDiskCounters = static_cast<std::size_t>(DiskCounter::count);

struct CounterPlan {
    std::array<std::optional<std::int32_t>, kDiskCounters> ids;
    std::array<int, kDiskCounters> levels{};
    std::vector<std::string>
        missing;  // "virtualDisk.readLatencyUS.latest": not in this server's catalogue
    std::vector<std::int32_t> query_ids() const;
};
CounterPlan plan_counters(const std::vector<PerfCounterInfo>& catalogue);
std::string counter_name(DiskCounter c);

struct DiskSurvey {
    std::string vm, host, cluster, folder;
    std::string disk;  // the instance: "scsi0:0"
    std::string file;
    std::int64_t capacity_kb = 0;
    std::size_t samples = 0;  // real-time samples the server gave for the VM
    int interval_s = 0;
    std::string first_time, last_time;
    std::optional<double> read_iops, write_iops;              // mean over the window
    std::optional<double> read_mbps, write_mbps;              // MB/s (10^6 bytes), mean
    std::optional<double> read_io_bytes, write_io_bytes;      // mean IO size
    std::optional<double> read_oio, write_oio;                // mean outstanding IOs
    std::optional<double> read_latency_ms, write_latency_ms;  // mean over samples with IO
    std::optional<double>
        random_pct;  // seeks of 64 LBNs or more, as a share of all seeks: an estimate
    std::optional<double>
        peak_iops;  // the busiest sample's reads + writes, when both series are whole
    std::vector<std::string> no_series;  // counters planned but not returned for this disk
    double total_iops() const { return read_iops.value_or(0) + write_iops.value_or(0); }
};

struct FleetSurvey {
    std::vector<DiskSurvey> disks;     // busiest first
    std::vector<std::string> missing;  // counters the server does not have (CounterPlan::missing)
    std::size_t vms = 0, vms_without_samples = 0;  // queried, and of those with no samples
    // Disks with no series at all, left out of `disks` where their VM has a row
    // of another instance (vcsim, and some servers, send the VM's aggregate only).
    std::size_t disks_without_series = 0;
    // How the survey reached it, as job start's arguments (shell words, no secret):
    // "vc01 --vc-user ro@vsphere.local --thumbprint AB:..." for the one-liners.
    std::string vcenter;
    // Filled by whoever ran it (app/vcenter_survey):
    std::string server;  // "VMware vCenter Server 6.5.0 build-5973321"
    int minutes = 0;
    std::size_t vms_in_inventory = 0, vms_matched = 0, vms_powered_off = 0;
    std::size_t calls = 0;  // SOAP calls the survey took
    double seconds = 0;
};

// Figures from series that may be shorter than sampleInfo (zero values
// dropped, as vcsim and some servers do): every mean is a sum over the
// window's samples, so a dropped zero counts as the zero it was.
FleetSurvey survey_fleet(const Inventory& inv, const CounterPlan& plan,
                         const std::vector<EntityMetrics>& metrics);

// The `vscsi job start` command that deep-profiles one surveyed disk: through
// the vCenter (which finds the host and follows the VM) when one is named
// (`vcenter`: shell words, as FleetSurvey::vcenter).
std::string job_start_command(const DiskSurvey& d, const std::string& vcenter = {});
// Text as one word for a POSIX shell.
std::string shell_word(std::string_view text);

}  // namespace vscsi::vsphere
