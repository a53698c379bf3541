#pragma once
// Text escaped for XML and HTML (element content and double- or single-quoted
// attributes), and a CSV field quoted as RFC 4180 says, only where needed. Pure.

#include <string>
#include <string_view>

namespace vscsi {

std::string markup_escape(std::string_view text);
std::string csv_field(std::string_view text);

}  // namespace vscsi
