#pragma once
// JSON text for humans and diff tools: indented, numbers in plain notation
// (Boost.JSON 1.81 would print 2.5 as 2.5E0), NaN/inf as null.

#include <boost/json/value.hpp>
#include <string>

namespace vscsi {

std::string pretty_json(const boost::json::value& v);
std::string compact_json(const boost::json::value& v);  // one line, same number format
// Appends `v` as pretty_json would print it `indent` levels deep (no final
// newline), or compact: a document written in parts (a long array streamed).
void append_json(std::string& out, const boost::json::value& v, int indent, bool pretty);

// Rounds to `digits` decimals so reports do not carry float noise.
double round_to(double v, int digits);

}  // namespace vscsi
