// `vscsiStats -l` listings.
#include <cstdint>
#include <string_view>

#include "format/vscsistats_listing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    vscsi::VscsiStatsListing out;
    (void)vscsi::parse_vscsistats_listing(
        std::string_view(reinterpret_cast<const char*>(data), size), out);
    return 0;
}
