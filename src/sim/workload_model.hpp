#pragma once
// A disk workload described by the few numbers a storage engineer thinks in,
// and the vscsiStats histograms such a workload produces over an interval.
// Pure and deterministic for a given seed: the example job, the benchmarks and
// the simulated ESXi host all build their data from it.

#include <cstdint>
#include <vector>

#include "format/histogram.hpp"

namespace vscsi {

struct SizeWeight {
    std::int64_t bytes = 4096;
    double weight = 1;
};

struct WorkloadModel {
    double iops = 1000;
    double read_fraction = 0.7;
    std::vector<SizeWeight> read_sizes{{8192, 1}};
    std::vector<SizeWeight> write_sizes{{8192, 1}};
    double read_sequential = 0.1;  // share of reads at seek distance +1
    double write_sequential = 0.1;
    double outstanding_mean = 4;    // queue depth seen by a new IO (>= 1)
    double read_latency_us = 2000;  // means of a lognormal
    double write_latency_us = 1000;
    double latency_sigma = 0.6;
    double iops_jitter = 0.0;  // +- relative noise per interval (seeded)
};

// The interval histograms of one disk: all 16 kinds with ESXi's bucket limits,
// frequencies adding up to the counts.
DiskHistograms synthesize_interval(const WorkloadModel& model, const DiskId& disk, double seconds,
                                   std::uint64_t seed);

// Splits n into integer parts proportional to `weights` (largest remainder).
std::vector<std::uint64_t> apportion(std::uint64_t n, const std::vector<double>& weights);

}  // namespace vscsi
