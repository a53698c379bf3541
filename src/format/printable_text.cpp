#include "format/printable_text.hpp"

#include <fmt/core.h>

namespace vscsi {
namespace {

// Length of the valid UTF-8 sequence at s[i] that is not a control character, or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const auto lead = b(0);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        n = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 3;
        if (lead == 0xE0) lo = 0xA0;  // overlong
        if (lead == 0xED) hi = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    if (b(1) < lo || b(1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (b(k) < 0x80 || b(k) > 0xBF) return 0;
    if (lead == 0xC2 && b(1) <= 0x9F) return 0;  // U+0080..U+009F: C1 controls (CSI ...)
    return n;
}

}  // namespace

std::string printable(std::string_view s, bool keep_newlines) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            const bool control = c < 0x20 || c == 0x7F;
            if (!control || (keep_newlines && (c == '\n' || c == '\t')))
                out += static_cast<char>(c);
            else
                out += fmt::format("\\x{:02X}", c);
            ++i;
            continue;
        }
        if (const auto n = utf8_length(s, i)) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += fmt::format("\\x{:02X}", c);
            ++i;
        }
    }
    return out;
}

}  // namespace vscsi
