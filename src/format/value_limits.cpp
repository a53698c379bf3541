#include "format/value_limits.hpp"

#include <fmt/core.h>

#include <cmath>

namespace vscsi::limits {

std::string describe(const NumberRange& r) {
    return fmt::format("{:.15g} to {:.15g}{}{}", r.min, r.max, r.unit.empty() ? "" : " ", r.unit);
}

std::optional<std::string> out_of_range(double v, const NumberRange& r) {
    if (!std::isfinite(v)) return fmt::format("{} is not a finite number: give {}", v, describe(r));
    if (v < r.min || v > r.max) return fmt::format("{:.15g} is out of range: {}", v, describe(r));
    if (r.whole && v != std::floor(v))
        return fmt::format("{:.15g} is not a whole number: give {}", v, describe(r));
    return std::nullopt;
}

}  // namespace vscsi::limits
