#pragma once
// Text from files and command lines, made safe to print in a message: valid
// UTF-8 stays as it is ("jöb"), control characters (terminal escape
// sequences included) and bytes that are not UTF-8 become \xNN, so a binary
// file or a hostile name can neither garble a terminal nor break --json.

#include <string>
#include <string_view>

namespace vscsi {

// Keeps '\n' and '\t' when `keep_newlines`; escapes them otherwise.
std::string printable(std::string_view s, bool keep_newlines = false);

}  // namespace vscsi
