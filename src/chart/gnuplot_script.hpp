#pragma once
// gnuplot programs for vscsi's charts, data inline (datablocks), output to
// stdout: building them is pure, so they are tested as text; running them is
// gnuplot_runner's job.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/sample_series.hpp"

namespace vscsi {

enum class ImageFormat { png, svg };
std::string_view extension(ImageFormat f);  // "png"
std::string_view mime_type(ImageFormat f);  // "image/png"
std::optional<ImageFormat> image_format_from_string(std::string_view s);

// The vmdamentals convention: blue total, green read, red write.
std::string_view direction_color(Direction d);

// gnuplot double-quoted string literal of arbitrary text (VM names come from users).
std::string gnuplot_quote(std::string_view text);

// One histogram kind over time, one 3D surface per direction: bucket x time x
// IOs per second; samples the filter dropped are drawn gray.
std::string surface_chart_script(const DiskSeries& s, Metric m, ImageFormat f,
                                 std::string_view title, std::size_t max_points = 120);

// IOPS, MB/s and latency p50/p99 over time, with avg/min/max of the analyzed
// samples in the key and filtered samples shaded.
std::string time_series_chart_script(const DiskSeries& s, ImageFormat f, std::string_view title,
                                     std::size_t max_points = 480);

// Two profiles' distributions of one histogram kind as clustered bars, one
// panel per direction (compare): percent of IOs per bucket, buckets that
// either profile used.
std::string distribution_overlay_script(Metric m, const WorkloadMetrics& a,
                                        std::string_view label_a, const WorkloadMetrics& b,
                                        std::string_view label_b, ImageFormat f,
                                        std::string_view title);

}  // namespace vscsi
