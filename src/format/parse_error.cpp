#include "format/parse_error.hpp"

#include <fmt/core.h>

#include <ostream>

namespace vscsi {

std::string ParseError::message() const {
    std::string where = source.empty() ? std::string{"<input>"} : source;
    if (line > 0) where += fmt::format(":{}", line);
    if (field.empty()) return fmt::format("{}: {}", where, reason);
    return fmt::format("{}: {}: {}", where, field, reason);
}

std::ostream& operator<<(std::ostream& os, const ParseError& e) {
    return os << e.message();
}

DataError::DataError(ParseError e) : std::runtime_error(e.message()), error_(std::move(e)) {}

void throw_exception_from_error(const ParseError& e, const boost::source_location&) {
    throw DataError(e);
}

}  // namespace vscsi
