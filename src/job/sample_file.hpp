#pragma once
// A sample file: a few '# key: value' lines saying which interval it covers,
// then the interval histograms in vscsiStats' own CSV format (readable by any
// tool that reads vscsiStats output). Pure codec.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/sample.hpp"
#include "format/parse_error.hpp"

namespace vscsi {

inline constexpr int kSampleFormatVersion = 1;

std::string encode_sample(const SampleHeader& h, const VscsiStatsOutput& data);
// The '# key: value' lines alone (a sample whose histograms are copied as text).
std::string encode_sample_header(const SampleHeader& h);

// Decodes into `out` (buffers reused). Errors name `source` and the line.
ParseStatus decode_sample(std::string_view text, const std::string& source, Sample& out);

}  // namespace vscsi
