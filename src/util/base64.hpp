#pragma once
// RFC 4648 base64, for data: URIs in self-contained HTML.

#include <string>
#include <string_view>

namespace vscsi {

std::string base64_encode(std::string_view bytes);

}  // namespace vscsi
