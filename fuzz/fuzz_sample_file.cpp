// A sample file of a job directory ('# start:' header lines + vscsiStats CSV).
#include <cstdint>
#include <string_view>

#include "job/sample_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    vscsi::Sample s;
    (void)vscsi::decode_sample(std::string_view(reinterpret_cast<const char*>(data), size),
                               "sample-000001.csv", s);
    return 0;
}
