#pragma once
// Line splitting and strict integer fields shared by the text-format parsers.

#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "format/printable_text.hpp"

namespace vscsi::text {

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// Yields lines without their CR/LF and trailing blanks, counting line numbers.
class LineReader {
  public:
    LineReader(std::string_view text, std::size_t first_line)
        : text_(text), next_line_(first_line) {}

    bool next(std::string_view& line) {
        if (pos_ >= text_.size()) return false;
        const auto nl = text_.find('\n', pos_);
        const auto end = nl == std::string_view::npos ? text_.size() : nl;
        line = trim(text_.substr(pos_, end - pos_));
        pos_ = end + 1;
        line_no_ = next_line_++;
        return true;
    }
    std::size_t line_no() const { return line_no_; }
    // Line number just past the last line read (for "unexpected end of input").
    std::size_t end_line() const { return next_line_ > 0 ? next_line_ - 1 : 0; }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t next_line_;
    std::size_t line_no_ = 0;
};

template <class Int>
bool parse_int(std::string_view s, Int& value) {
    s = trim(s);
    if (s.empty()) return false;
    const auto* first = s.data();
    if (*first == '+') ++first;  // from_chars rejects a leading '+'
    const auto [p, ec] = std::from_chars(first, s.data() + s.size(), value);
    return ec == std::errc{} && p == s.data() + s.size();
}

// A short, quoted rendering of offending text for error messages; bytes that
// are not printable UTF-8 (a binary file, escape sequences) as \xNN.
inline std::string excerpt(std::string_view s) {
    constexpr std::size_t kMax = 60;
    std::string r = "'";
    r += s.size() > kMax ? printable(s.substr(0, kMax)) + "..." : printable(s);
    r += "'";
    return r;
}

}  // namespace vscsi::text
