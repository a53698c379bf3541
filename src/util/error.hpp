#pragma once
// The project's error value: what went wrong and what the user can do next.
// Domain and I/O code return boost::system::result<T, Error> (vscsi::Result<T>);
// only command and RPC boundaries turn it into an exception (value() throws
// UserError) or an exit code.

#include <boost/system/result.hpp>
#include <stdexcept>
#include <string>

namespace vscsi {

// Decides the exit code and the JSON-RPC error a boundary reports.
enum class ErrorKind {
    usage,         // the caller must change what it asked (exit 2)
    conflict,      // not now: a name taken, a job still running (exit 2)
    bad_data,      // input files are malformed (exit 5)
    not_found,     // no such job, file or VM entry (exit 3)
    host_failure,  // the host could not be reached or refused (exit 1)
    failure,       // anything else that failed (exit 1)
};

struct Error {
    ErrorKind kind = ErrorKind::failure;
    std::string what;  // names the input (file, line, field, option) and what is wrong with it
    std::string next;  // what to do about it; may be empty when `what` says it all

    std::string message() const { return next.empty() ? what : what + " (" + next + ")"; }
};

// Thrown from Result<T>::value() at the boundaries that must abort.
class UserError : public std::runtime_error {
  public:
    explicit UserError(const Error& e) : std::runtime_error(e.message()), error_(e) {}
    const Error& error() const { return error_; }

  private:
    Error error_;
};

[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
    throw UserError(e);
}

template <class T>
using Result = boost::system::result<T, Error>;

// What to do when a file in the data directory cannot be written.
inline constexpr const char* kDataDirHint = "check the data directory's permissions and free space";

// An exception's text as a user may read it: Boost's system_error appends
// "[system:9 at /usr/include/boost/...]" (a source location) to its message,
// which is cut off; the operation and the OS's message stay.
std::string exception_text(const std::exception& e);

}  // namespace vscsi
