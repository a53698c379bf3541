// job.json: what reads writes back and reads again to the same text.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "format/parse_error.hpp"
#include "job/job_meta.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto meta = vscsi::parse_job_meta(
            std::string_view(reinterpret_cast<const char*>(data), size), "job.json");
        const auto text = vscsi::serialize_job_meta(meta);
        const auto again = vscsi::parse_job_meta(text, "job.json");
        if (vscsi::serialize_job_meta(again) != text) std::abort();
    } catch (const vscsi::DataError&) {
    }
    return 0;
}
