// vscsiStats CSV: parse; what parses writes back in vscsiStats' format and
// re-parses to the same data; appended prints split the same way.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "format/vscsistats_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    vscsi::VscsiStatsOutput out;
    if (vscsi::parse_vscsistats_csv(text, out)) {
        const auto written = vscsi::format_vscsistats_csv(out);
        vscsi::VscsiStatsOutput again;
        if (!vscsi::parse_vscsistats_csv(written, again)) std::abort();
        if (vscsi::format_vscsistats_csv(again) != written) std::abort();
    }
    std::vector<vscsi::VscsiStatsOutput> prints;
    std::vector<std::size_t> lines;
    (void)vscsi::parse_vscsistats_prints(text, prints, {}, &lines);
    return 0;
}
