#include "util/error.hpp"

#include <fmt/core.h>

#include <boost/system/system_error.hpp>
#include <filesystem>

namespace vscsi {

std::string exception_text(const std::exception& e) {
    // "filesystem error: status: Permission denied [/x]" is the library talking.
    if (const auto* fe = dynamic_cast<const std::filesystem::filesystem_error*>(&e)) {
        const auto& p = fe->path1();
        const auto why = fe->code().message();
        return p.empty() ? why
                         : fmt::format("cannot access {}: {} (check the path and its permissions)",
                                       p.string(), why);
    }
    std::string text = e.what();
    if (dynamic_cast<const boost::system::system_error*>(&e) && text.ends_with(']')) {
        const auto at = text.rfind(" [");
        if (at != std::string::npos) text.erase(at);
    }
    return text;
}

}  // namespace vscsi
