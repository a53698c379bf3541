#include "format/bucket_limits.hpp"

#include <array>

namespace vscsi {
namespace {

// Copied from real ESXi output (tests/fixtures/esxi-sample-wg2099979-scsi0_0.csv).
constexpr std::array<std::int64_t, 17> kIoLength{512,   1024,  2048,   4095,   4096,  8191,
                                                 8192,  16383, 16384,  32768,  49152, 65535,
                                                 65536, 81920, 131072, 262144, 524288};
constexpr std::array<std::int64_t, 33> kSeek{
    -500000, -100000, -50000, -10000, -5000, -1000, -500, -128,  -64,   -32,    -16,
    -8,      -6,      -4,     -2,     -1,    0,     1,    2,     4,     6,      8,
    16,      32,      64,     128,    500,   1000,  5000, 10000, 50000, 100000, 500000};
constexpr std::array<std::int64_t, 10> kMicroseconds{1,    10,    100,   500,   1000,
                                                     5000, 15000, 30000, 50000, 100000};
constexpr std::array<std::int64_t, 12> kOutstanding{1, 2, 4, 6, 8, 12, 16, 20, 24, 28, 32, 64};

}  // namespace

std::span<const std::int64_t> esxi_bucket_limits(Metric m) {
    switch (m) {
        case Metric::io_length:
            return kIoLength;
        case Metric::seek_distance:
        case Metric::seek_distance_closest16:
            return kSeek;
        case Metric::latency:
        case Metric::interarrival:
            return kMicroseconds;
        case Metric::outstanding_ios:
            return kOutstanding;
    }
    return {};
}

}  // namespace vscsi
