#pragma once
// The skeleton shared by vscsi's HTML reports: one self-contained file (inline
// CSS, images as data: URIs, a Content-Security-Policy that forbids loading
// anything from anywhere), readable printed or on screen. Pure.

#include <string>
#include <string_view>
#include <vector>

#include "analysis/recommendation.hpp"
#include "chart/job_charts.hpp"
#include "format/markup_text.hpp"

namespace vscsi {

inline std::string html_escape(std::string_view text) {
    return markup_escape(text);
}
std::string html_page(std::string_view title, std::string_view body);
// <figure> with the chart as a data: URI and its caption.
std::string html_figure(const RenderedChart& chart);
// The recommendations as a list with severity badges; a sentence when empty.
std::string html_recommendations(const std::vector<Recommendation>& recs);
// A notice box: kind is "warn" or "note".
std::string html_notice(std::string_view kind, std::string_view heading,
                        const std::vector<std::string>& lines);

}  // namespace vscsi
