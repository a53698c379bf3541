#include "util/error.hpp"

#include <boost/system/system_error.hpp>

namespace vscsi {

std::string exception_text(const std::exception& e) {
    std::string text = e.what();
    if (dynamic_cast<const boost::system::system_error*>(&e) && text.ends_with(']')) {
        const auto at = text.rfind(" [");
        if (at != std::string::npos) text.erase(at);
    }
    return text;
}

}  // namespace vscsi
