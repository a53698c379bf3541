#include <stdexcept>

#include "host/host_shell.hpp"

namespace vscsi::host {

void throw_exception_from_error(const HostError& e, const boost::source_location&) {
    throw std::runtime_error(e.message);
}

}  // namespace vscsi::host
