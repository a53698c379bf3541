#include "format/vscsistats_csv.hpp"

#include <fmt/format.h>

#include <unordered_map>
#include <utility>

#include "format/text_lines.hpp"

namespace vscsi {
namespace {

constexpr std::string_view kHistogramPrefix = "Histogram:";
constexpr std::string_view kWorldGroupTag = ",virtual machine worldGroupID,";
constexpr std::string_view kHandleTag = "virtual disk handleID,";
constexpr std::string_view kFrequencyHeader = "Frequency,Histogram Bucket Limit";

struct Header {
    std::string_view title;
    DiskId disk;
};

// "Histogram: <title>,virtual machine worldGroupID,<id>,virtual disk handleID,<id> (<label>)"
boost::system::result<void, std::string> parse_header(std::string_view line, Header& h) {
    if (!line.starts_with(kHistogramPrefix))
        return fmt::format(
            "expected a 'Histogram: <title>,virtual machine worldGroupID,...' "
            "header, found {}",
            text::excerpt(line));
    line.remove_prefix(kHistogramPrefix.size());
    line = text::trim(line);
    const auto wg = line.find(kWorldGroupTag);
    if (wg == std::string_view::npos)
        return fmt::format("header has no '{}' part: {}", kWorldGroupTag.substr(1),
                           text::excerpt(line));
    h.title = line.substr(0, wg);
    auto rest = line.substr(wg + kWorldGroupTag.size());
    const auto comma = rest.find(',');
    if (comma == std::string_view::npos ||
        !text::parse_int(rest.substr(0, comma), h.disk.world_group_id))
        return fmt::format("worldGroupID is not an integer in {}", text::excerpt(line));
    rest = rest.substr(comma + 1);
    if (!rest.starts_with(kHandleTag))
        return fmt::format("expected '{}<id>' after the worldGroupID, found {}", kHandleTag,
                           text::excerpt(rest));
    rest.remove_prefix(kHandleTag.size());
    const auto paren = rest.find('(');
    const auto id_text = paren == std::string_view::npos ? rest : rest.substr(0, paren);
    if (!text::parse_int(id_text, h.disk.handle_id))
        return fmt::format("handleID is not an integer in {}", text::excerpt(line));
    h.disk.label.clear();
    if (paren != std::string_view::npos) {
        if (rest.back() != ')')
            return fmt::format("disk label is not closed by ')' in {}", text::excerpt(line));
        h.disk.label = std::string(rest.substr(paren + 1, rest.size() - paren - 2));
    }
    return {};
}

// A spreadsheet pads every row to the widest one ("min,512,,,,"); a row of
// only commas is a blank line.
std::string_view without_padding(std::string_view line) {
    while (!line.empty() && line.back() == ',') line.remove_suffix(1);
    return text::trim(line);
}

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

class Parser {
  public:
    // With `prints`, a repeated histogram starts a new print (pushed there)
    // instead of being an error.
    Parser(std::string_view text, VscsiStatsOutput& out, const CsvParseOptions& opt,
           std::vector<VscsiStatsOutput>* prints = nullptr,
           std::vector<std::size_t>* first_lines = nullptr)
        : lines_(text.starts_with(kUtf8Bom) ? text.substr(kUtf8Bom.size()) : text, opt.first_line),
          out_(out),
          opt_(opt),
          prints_(prints),
          first_lines_(first_lines) {}

    ParseStatus run() {
        out_.disks.clear();
        std::string_view line;
        while (lines_.next(line)) {
            line = without_padding(line);
            if (line.empty()) continue;
            if (auto e = step(line); !e) return e;
        }
        if (state_ != State::header) {
            const auto& info = slot_info(slot_);
            return error(lines_.end_line(), expected_field(),
                         fmt::format("input ends inside histogram '{}' that starts at line {} "
                                     "(truncated output?)",
                                     info.title, header_line_));
        }
        if (out_.disks.empty())
            return error(0, "",
                         "no histograms found: expected the output of "
                         "`vscsiStats -p all -c` (CSV, one 'Histogram:' section per "
                         "histogram)");
        return {};
    }

  private:
    enum class State { header, min, max, mean, count, frequency_header, buckets };

    ParseError error(std::size_t line, std::string field, std::string reason) const {
        return ParseError{opt_.source, line, std::move(field), std::move(reason)};
    }

    std::string expected_field() const {
        switch (state_) {
            case State::header:
                return "header";
            case State::min:
                return "min";
            case State::max:
                return "max";
            case State::mean:
                return "mean";
            case State::count:
                return "count";
            case State::frequency_header:
                return "bucket header";
            case State::buckets:
                return "bucket row";
        }
        return "";
    }

    ParseStatus step(std::string_view line) {
        switch (state_) {
            case State::header:
                return on_header(line);
            case State::min:
                return on_stat(line, "min", hist_->min, State::max);
            case State::max:
                return on_stat(line, "max", hist_->max, State::mean);
            case State::mean:
                return on_stat(line, "mean", hist_->mean, State::count);
            case State::count:
                return on_stat(line, "count", hist_->count, State::frequency_header);
            case State::frequency_header:
                if (line != kFrequencyHeader)
                    return error(lines_.line_no(), "bucket header",
                                 fmt::format("expected '{}', found {}", kFrequencyHeader,
                                             text::excerpt(line)));
                state_ = State::buckets;
                return {};
            case State::buckets:
                return on_bucket(line);
        }
        return {};
    }

    ParseStatus on_header(std::string_view line) {
        Header h;
        if (auto parsed = parse_header(line, h); !parsed)
            return error(lines_.line_no(), "header", parsed.error());
        const auto slot = slot_from_title(h.title);
        if (!slot)
            return error(lines_.line_no(), "histogram title",
                         fmt::format("unknown histogram {}: this vscsiStats prints something vscsi "
                                     "does not know; keep the raw file and report it",
                                     text::excerpt(h.title)));
        // A disk's histograms come one after another: look at the last disk first,
        // then the index (a host-wide print has thousands of disks: no linear scan).
        DiskHistograms* disk = nullptr;
        if (!out_.disks.empty() && out_.disks.back().disk.same_disk(h.disk)) {
            disk = &out_.disks.back();
        } else if (const auto it = disk_index_.find(disk_key(h.disk)); it != disk_index_.end()) {
            disk = &out_.disks[it->second];
        } else {
            disk = &new_disk(std::move(h.disk));
        }
        if (disk->present[*slot] && prints_) {
            start_next_print();
            disk = &new_disk(std::move(h.disk));  // found, so not moved from above
        } else if (disk->present[*slot]) {
            return error(lines_.line_no(), "histogram title",
                         fmt::format("histogram '{}' for disk {} appears twice (first at line {})",
                                     h.title, disk->disk.display(), disk->header_line[*slot]));
        }
        if (first_lines_ && first_lines_->size() == (prints_ ? prints_->size() : 0))
            first_lines_->push_back(lines_.line_no());
        slot_ = *slot;
        header_line_ = lines_.line_no();
        disk->present[slot_] = true;
        disk->header_line[slot_] = header_line_;
        hist_ = &disk->slots[slot_];
        *hist_ = Histogram{};
        state_ = State::min;
        return {};
    }

    template <class Int>
    ParseStatus on_stat(std::string_view line, std::string_view key, Int& value, State next) {
        const auto comma = line.find(',');
        if (comma == std::string_view::npos || line.substr(0, comma) != key)
            return error(lines_.line_no(), std::string(key),
                         fmt::format("expected '{},<integer>' (line {} of the histogram that "
                                     "starts at line {}), found {}",
                                     key, lines_.line_no() - header_line_ + 1, header_line_,
                                     text::excerpt(line)));
        if (!text::parse_int(line.substr(comma + 1), value))
            return error(lines_.line_no(), std::string(key),
                         fmt::format("'{}' is not {} integer", line.substr(comma + 1),
                                     std::is_signed_v<Int> ? "an" : "a non-negative"));
        state_ = next;
        return {};
    }

    ParseStatus on_bucket(std::string_view line) {
        if (line.starts_with(kHistogramPrefix))
            return error(lines_.line_no(), "bucket row",
                         fmt::format("a new histogram starts before histogram '{}' (line {}) "
                                     "ended with its overflow row (the row that repeats the last "
                                     "limit): truncated output?",
                                     slot_info(slot_).title, header_line_));
        const auto comma = line.find(',');
        std::uint64_t freq = 0;
        std::int64_t limit = 0;
        if (comma == std::string_view::npos || !text::parse_int(line.substr(0, comma), freq) ||
            !text::parse_int(line.substr(comma + 1), limit))
            return error(lines_.line_no(), "bucket row",
                         fmt::format("expected '<frequency>,<bucket limit>' (non-negative "
                                     "integer, integer), found {}",
                                     text::excerpt(line)));
        auto& h = *hist_;
        if (!h.limits.empty() && limit == h.limits.back()) {
            h.frequencies.push_back(freq);  // the overflow bucket closes the histogram
            return finish(lines_.line_no());
        }
        if (!h.limits.empty() && limit < h.limits.back())
            return error(lines_.line_no(), "bucket row",
                         fmt::format("bucket limit {} is below the previous limit {}: limits must "
                                     "increase",
                                     limit, h.limits.back()));
        h.limits.push_back(limit);
        h.frequencies.push_back(freq);
        return {};
    }

    ParseStatus finish(std::size_t line) {
        const auto& h = *hist_;
        if (opt_.require_count_match) {
            const auto sum = h.frequency_sum();
            if (sum != h.count)
                return error(line, "count",
                             fmt::format("bucket frequencies of histogram '{}' (line {}) add up "
                                         "to {} but its count is {}",
                                         slot_info(slot_).title, header_line_, sum, h.count));
        }
        if (h.count > 0 && h.min > h.max)
            return error(header_line_ + 1, "min",
                         fmt::format("min {} is greater than max {}", h.min, h.max));
        state_ = State::header;
        return {};
    }

    void start_next_print() {
        prints_->push_back(std::move(out_));
        out_ = VscsiStatsOutput{};
        disk_index_.clear();
    }

    DiskHistograms& new_disk(DiskId id) {
        disk_index_.emplace(disk_key(id), out_.disks.size());
        auto& d = out_.disks.emplace_back();
        d.disk = std::move(id);
        return d;
    }

    std::unordered_map<DiskKey, std::size_t, DiskKeyHash> disk_index_;

    text::LineReader lines_;
    VscsiStatsOutput& out_;
    const CsvParseOptions& opt_;
    std::vector<VscsiStatsOutput>* prints_;
    std::vector<std::size_t>* first_lines_;
    State state_ = State::header;
    Histogram* hist_ = nullptr;
    std::size_t slot_ = 0;
    std::size_t header_line_ = 0;
};

}  // namespace

ParseStatus parse_vscsistats_csv(std::string_view text, VscsiStatsOutput& out,
                                 const CsvParseOptions& options) {
    return Parser(text, out, options).run();
}

ParseStatus parse_vscsistats_prints(std::string_view text, std::vector<VscsiStatsOutput>& prints,
                                    const CsvParseOptions& options,
                                    std::vector<std::size_t>* first_lines) {
    prints.clear();
    if (first_lines) first_lines->clear();
    VscsiStatsOutput last;
    if (auto e = Parser(text, last, options, &prints, first_lines).run(); !e) return e;
    prints.push_back(std::move(last));
    return {};
}

VscsiStatsOutput parse_vscsistats_csv_or_throw(std::string_view text,
                                               const CsvParseOptions& options) {
    VscsiStatsOutput out;
    if (auto e = parse_vscsistats_csv(text, out, options); !e) throw DataError(e.error());
    return out;
}

void append_vscsistats_csv(std::string& out, const VscsiStatsOutput& data) {
    auto it = std::back_inserter(out);
    for (const auto& disk : data.disks) {
        const auto& id = disk.disk;
        for (std::size_t s = 0; s < kSlotCount; ++s) {
            if (!disk.present[s]) continue;
            const auto& h = disk.slots[s];
            fmt::format_to(it,
                           "Histogram: {},virtual machine worldGroupID,{},virtual disk handleID,{}",
                           slot_info(s).title, id.world_group_id, id.handle_id);
            if (!id.label.empty()) fmt::format_to(it, " ({})", id.label);
            fmt::format_to(it, "\nmin,{}\nmax,{}\nmean,{}\ncount,{}\n{}\n", h.min, h.max, h.mean,
                           h.count, kFrequencyHeader);
            for (std::size_t i = 0; i < h.limits.size(); ++i)
                fmt::format_to(it, "{},{}\n", h.frequencies[i], h.limits[i]);
            if (!h.limits.empty()) fmt::format_to(it, "{},{}\n", h.overflow(), h.limits.back());
        }
    }
}

std::string format_vscsistats_csv(const VscsiStatsOutput& data) {
    std::string s;
    append_vscsistats_csv(s, data);
    return s;
}

}  // namespace vscsi
