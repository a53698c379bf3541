#include "job/sample_file.hpp"

#include <fmt/format.h>

#include "format/text_lines.hpp"
#include "format/vscsistats_csv.hpp"

namespace vscsi {

std::string encode_sample(const SampleHeader& h, const VscsiStatsOutput& data) {
    auto s = encode_sample_header(h);
    append_vscsistats_csv(s, data);
    return s;
}

std::string encode_sample_header(const SampleHeader& h) {
    std::string s =
        fmt::format("# vscsi-sample: {}\n# seq: {}\n# start: {}\n# end: {}\n", kSampleFormatVersion,
                    h.seq, format_iso8601(h.start), format_iso8601(h.end));
    if (!h.origin.empty()) s += fmt::format("# origin: {}\n", h.origin);
    if (h.after_gap) s += "# after_gap: true\n";
    if (!h.first_io_gaps.empty()) {
        s += "# first_io_gap:";
        for (const auto& g : h.first_io_gaps)
            s += fmt::format(" {}/{}/{}", g.world_group_id, g.handle_id,
                             direction_name(g.direction));
        s += "\n";
    }
    return s;
}

std::optional<std::size_t> sample_body_start(std::string_view text, bool complete) {
    std::size_t at = 0;
    while (at < text.size() && text[at] == '#') {
        const auto nl = text.find('\n', at);
        if (nl == std::string_view::npos) {
            if (!complete) return std::nullopt;  // a header line still arriving
            return text.size();
        }
        at = nl + 1;
    }
    if (at == text.size() && !complete) return std::nullopt;
    return at;
}

ParseStatus decode_sample(std::string_view text, const std::string& source, Sample& out) {
    std::size_t body_line = 1;
    const auto body = *sample_body_start(text, true);
    if (auto e = decode_sample_header(text.substr(0, body), source, out.header, body_line); !e)
        return e;
    CsvParseOptions opt;
    opt.source = source;
    opt.first_line = body_line;
    return parse_vscsistats_csv(text.substr(body), out.data, opt);
}

ParseStatus decode_sample_header(std::string_view text, const std::string& source,
                                 SampleHeader& header, std::size_t& body_line) {
    header = SampleHeader{};
    text::LineReader lines(text, 1);
    std::string_view line;
    std::size_t consumed = 0;  // bytes of header lines
    bool has_version = false, has_start = false, has_end = false;
    auto error = [&](std::string field, std::string reason) {
        return ParseError{source, lines.line_no(), std::move(field), std::move(reason)};
    };
    body_line = 1;
    while (consumed < text.size() && text[consumed] == '#') {
        lines.next(line);
        const auto nl = text.find('\n', consumed);
        consumed = nl == std::string_view::npos ? text.size() : nl + 1;
        body_line = lines.line_no() + 1;
        line.remove_prefix(1);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;  // free comment
        const auto key = text::trim(line.substr(0, colon));
        const auto value = text::trim(line.substr(colon + 1));
        if (key == "vscsi-sample") {
            int v = 0;
            if (!text::parse_int(value, v) || v < 1)
                return error("vscsi-sample",
                             fmt::format("bad format version {}", text::excerpt(value)));
            if (v > kSampleFormatVersion)
                return error("vscsi-sample", fmt::format("sample format {} is newer than this "
                                                         "vscsi understands ({}); upgrade vscsi",
                                                         v, kSampleFormatVersion));
            has_version = true;
        } else if (key == "seq") {
            if (!text::parse_int(value, header.seq))
                return error("seq", fmt::format("not an integer: {}", text::excerpt(value)));
        } else if (key == "start" || key == "end") {
            auto t = parse_iso8601(value);
            if (!t)
                return error(std::string(key),
                             fmt::format("not an ISO 8601 time: {}", text::excerpt(value)));
            (key == "start" ? header.start : header.end) = *t;
            (key == "start" ? has_start : has_end) = true;
        } else if (key == "origin") {
            header.origin = std::string(value);
        } else if (key == "after_gap") {
            header.after_gap = value == "true";
        } else if (key == "first_io_gap") {
            // WG/HANDLE/DIRECTION, space-separated (written by the collector).
            for (auto rest = value; !rest.empty();) {
                const auto sp = rest.find(' ');
                const auto item = rest.substr(0, sp);
                rest =
                    sp == std::string_view::npos ? std::string_view{} : text::trim(rest.substr(sp));
                const auto a = item.find('/'), b = item.rfind('/');
                FirstIoGap g;
                std::optional<Direction> dir;
                if (a != b && a != std::string_view::npos) {
                    for (auto d : kAllDirections)
                        if (direction_name(d) == item.substr(b + 1)) dir = d;
                }
                if (!dir || !text::parse_int(item.substr(0, a), g.world_group_id) ||
                    !text::parse_int(item.substr(a + 1, b - a - 1), g.handle_id))
                    return error("first_io_gap",
                                 fmt::format("expected WG/HANDLE/total|read|write, found {}",
                                             text::excerpt(item)));
                g.direction = *dir;
                header.first_io_gaps.push_back(g);
            }
        }
    }
    if (!has_version || !has_start || !has_end)
        return ParseError{source, 1, "sample header",
                          "missing '# vscsi-sample', '# start' or '# end' line: not a vscsi sample "
                          "file (import hand-collected CSV with `vscsi import`)"};
    if (header.end <= header.start)
        return ParseError{source, 1, "end", "the interval ends before it starts"};
    return {};
}

}  // namespace vscsi
