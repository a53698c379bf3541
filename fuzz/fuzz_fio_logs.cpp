// fio iologs and per-I/O latency logs.
#include <cstdint>
#include <string_view>
#include <vector>

#include "format/fio_logs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)vscsi::detect_fio_log(text);
    vscsi::FioIolog iolog;
    (void)vscsi::parse_fio_iolog(text, "fuzz.iolog", iolog);
    std::vector<vscsi::FioLatEntry> lat;
    (void)vscsi::parse_fio_lat_log(text, "fuzz_lat.1.log", lat);
    return 0;
}
