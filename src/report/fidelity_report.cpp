#include "report/fidelity_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "util/json_text.hpp"

namespace vscsi {
namespace {

std::string value(double v) {
    return std::isfinite(v) ? fmt::format("{:.2f}", v) : "-";
}

}  // namespace

std::string human_fidelity(const FidelityScore& s) {
    std::string o;
    auto out = std::back_inserter(o);
    std::size_t width = 28;
    for (const auto& r : s.rows) width = std::max(width, r.label.size());
    fmt::format_to(out, "  {:<{}} {:>11} {:>11} {:>13} {:>10}  {}\n", "figure", width, "measured",
                   "synthetic", "deviation", "tolerance", "verdict");
    for (const auto& r : s.rows) {
        // Distributions have a distance, not values.
        const bool dist = !std::isfinite(r.measured) && !std::isfinite(r.synthetic);
        fmt::format_to(out, "  {:<{}} {:>11} {:>11} {:>13} {:>10}  {}\n", r.label, width,
                       dist ? "" : value(r.measured), dist ? "" : value(r.synthetic),
                       r.deviation_text, r.tolerance_text,
                       !r.scored ? "(not scored)"
                       : r.pass  ? "ok"
                                 : "OUT");
    }
    fmt::format_to(out, "\nVerdict: {}\n",
                   s.pass ? "PASS - every scored figure is within tolerance"
                          : "FAIL - the synthetic run does not reproduce the profile");
    for (const auto& n : s.notes) fmt::format_to(out, "  - {}\n", n);
    return o;
}

boost::json::object fidelity_to_json(const FidelityScore& s) {
    boost::json::array rows;
    for (const auto& r : s.rows)
        rows.push_back({{"key", r.key},
                        {"label", r.label},
                        {"measured", round_to(r.measured, 4)},
                        {"synthetic", round_to(r.synthetic, 4)},
                        {"deviation", round_to(r.deviation, 4)},
                        {"deviation_text", r.deviation_text},
                        {"tolerance", round_to(r.tolerance, 4)},
                        {"tolerance_text", r.tolerance_text},
                        {"scored", r.scored},
                        {"pass", r.pass}});
    boost::json::array notes;
    for (const auto& n : s.notes) notes.emplace_back(n);
    return {{"pass", s.pass}, {"figures", std::move(rows)}, {"notes", std::move(notes)}};
}

}  // namespace vscsi
