#include "format/parse_error.hpp"

#include <fmt/core.h>

namespace vscsi {

std::string ParseError::message() const {
    std::string where = source.empty() ? std::string{"<input>"} : source;
    if (line > 0) where += fmt::format(":{}", line);
    if (field.empty()) return fmt::format("{}: {}", where, reason);
    return fmt::format("{}: {}: {}", where, field, reason);
}

DataError::DataError(ParseError e) : std::runtime_error(e.message()), error_(std::move(e)) {}

}  // namespace vscsi
