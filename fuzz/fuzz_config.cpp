// The configuration file: errors are DataError naming file, line and key.
#include <cstdint>
#include <string_view>

#include "config/config_file.hpp"
#include "format/parse_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto cfg = vscsi::parse_config(
            std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.conf");
        (void)vscsi::collection_profiles(cfg);
    } catch (const vscsi::DataError&) {
    }
    return 0;
}
