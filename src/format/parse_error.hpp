#pragma once
// A format error that names where it happened, so users can open the file at
// the line and see what vscsi did not expect.

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>
#include <cstddef>
#include <iosfwd>
#include <stdexcept>
#include <string>

namespace vscsi {

struct ParseError {
    std::string source;    // file name, or a description such as "<stdin>"
    std::size_t line = 0;  // 1-based; 0 when the error is about the input as a whole
    std::string field;     // what was being read: "min", "bucket row", "header", ...
    std::string reason;

    std::string message() const;
};
std::ostream& operator<<(std::ostream& os, const ParseError& e);

// What a parser returns: success (the output went into the caller's buffers,
// reused across calls), or where and why it stopped.
using ParseStatus = boost::system::result<void, ParseError>;

// Thrown where a command must abort on bad data; carries the ParseError.
class DataError : public std::runtime_error {
  public:
    explicit DataError(ParseError e);
    const ParseError& error() const { return error_; }

  private:
    ParseError error_;
};

// boost::system::result<T, ParseError>::value() throws DataError.
[[noreturn]] void throw_exception_from_error(const ParseError& e,
                                             const boost::source_location& loc);

}  // namespace vscsi
