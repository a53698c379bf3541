// job.json: what reads writes back, and from then on reads and writes to the
// same text. (Not always from the first write: Boost.JSON 1.81 parses a
// double to within one unit in the last place, so a huge non-integer kept
// "as found" in an unknown field or a damaged plan may change its last digit
// once; vscsi's own numbers are integers or short decimals.)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "format/parse_error.hpp"
#include "job/job_meta.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto meta = vscsi::parse_job_meta(
            std::string_view(reinterpret_cast<const char*>(data), size), "job.json");
        const auto first = vscsi::serialize_job_meta(meta);
        const auto text = vscsi::serialize_job_meta(vscsi::parse_job_meta(first, "job.json"));
        const auto again = vscsi::parse_job_meta(text, "job.json");
        if (const auto back = vscsi::serialize_job_meta(again); back != text) {
            std::fprintf(stderr, "round trip differs:\n%s\n---\n%s\n", text.c_str(), back.c_str());
            std::abort();
        }
    } catch (const vscsi::DataError&) {
    }
    return 0;
}
