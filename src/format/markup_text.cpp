#include "format/markup_text.hpp"

namespace vscsi {

std::string markup_escape(std::string_view text) {
    std::string o;
    o.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                o += "&amp;";
                break;
            case '<':
                o += "&lt;";
                break;
            case '>':
                o += "&gt;";
                break;
            case '"':
                o += "&quot;";
                break;
            case '\'':
                o += "&#39;";
                break;  // valid in XML and HTML alike
            default:
                o += c;
        }
    }
    return o;
}

std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

}  // namespace vscsi
