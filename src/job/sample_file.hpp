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

// A sample read in pieces: where its histograms start (past the '# key:
// value' lines) once `text` shows it; nullopt while a header line may still
// be arriving (`complete`: `text` is the whole file).
std::optional<std::size_t> sample_body_start(std::string_view text, bool complete);
// The '# key: value' lines alone (`text` up to the body start); `body_line`
// gets the line the histograms start at.
ParseStatus decode_sample_header(std::string_view text, const std::string& source,
                                 SampleHeader& header, std::size_t& body_line);

}  // namespace vscsi
