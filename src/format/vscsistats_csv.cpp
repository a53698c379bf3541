#include "format/vscsistats_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "format/bucket_limits.hpp"
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
// ESXi prints at most 34 buckets (seek distance); anything past this is not
// a histogram worth holding.
constexpr std::size_t kMaxBuckets = 4096;

// Digits straight to an integer: at most `max_digits` (so no overflow), then
// an optional CR and the LF that ends the line. Returns the position past the
// LF, or nullptr when the row is anything else.
const char* scan_digits_to_eol(const char* p, const char* end, std::size_t max_digits,
                               std::uint64_t& value) {
    const char* const first = p;
    std::uint64_t v = 0;
    while (p < end && static_cast<unsigned char>(*p - '0') < 10)
        v = v * 10 + static_cast<unsigned>(*p++ - '0');
    if (p == first || static_cast<std::size_t>(p - first) > max_digits) return nullptr;
    if (p < end && *p == '\r') ++p;
    if (p == end || *p != '\n') return nullptr;
    value = v;
    return p + 1;
}

const char* scan_signed_to_eol(const char* p, const char* end, std::int64_t& value) {
    const bool negative = p < end && *p == '-';
    std::uint64_t v = 0;
    const char* next = scan_digits_to_eol(p + negative, end, 18, v);
    if (next) value = negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
    return next;
}

// Reads bucket rows "<frequency>,<limit>\n" - four of five lines of a print -
// without splitting lines first. Anything else (padding, blanks, signs on
// frequencies, 20-digit numbers) is left to the general path, which accepts
// or names it. Returns the end of the row (past its LF) or nullptr.
const char* scan_bucket_row(const char* p, const char* end, std::uint64_t& freq,
                            std::int64_t& limit) {
    const char* const first = p;
    std::uint64_t f = 0;
    while (p < end && static_cast<unsigned char>(*p - '0') < 10)
        f = f * 10 + static_cast<unsigned>(*p++ - '0');
    if (p == first || p - first > 19 || p == end || *p != ',') return nullptr;
    const char* next = scan_signed_to_eol(p + 1, end, limit);
    if (next) freq = f;
    return next;
}

// "<key>,<integer>\n" exactly; nullptr for anything else.
template <class Int>
const char* scan_stat_row(const char* p, const char* end, std::string_view key, Int& value) {
    if (static_cast<std::size_t>(end - p) <= key.size() ||
        std::memcmp(p, key.data(), key.size()) != 0 || p[key.size()] != ',')
        return nullptr;
    p += key.size() + 1;
    if constexpr (std::is_signed_v<Int>) {
        return scan_signed_to_eol(p, end, value);
    } else {
        std::uint64_t v = 0;
        const char* next = scan_digits_to_eol(p, end, 19, v);
        if (next) value = v;
        return next;
    }
}

// ESXi prints the same limits for every histogram of a kind, so a row's text
// after its frequency is known in advance: ",<limit>\n". Comparing those bytes
// (two 8-byte words) replaces reading the limit digit by digit. A row that
// differs - another release's limits, CRLF, padding - goes the general way.
struct RowTail {
    std::uint64_t word[2] = {0, 0};
    std::uint64_t mask[2] = {0, 0};
    std::uint8_t size = 0;  // 0: longer than 16 bytes, never matched here
    std::int64_t limit = 0;
};

struct RowTails {
    std::array<RowTail, 40> rows;  // the limits, then the overflow row
    std::size_t count = 0;
};

RowTails make_row_tails(std::span<const std::int64_t> limits) {
    RowTails t;
    t.count = std::min(limits.size() + 1, t.rows.size());
    for (std::size_t i = 0; i < t.count; ++i) {
        const auto limit = limits[std::min(i, limits.size() - 1)];
        char text[32];
        text[0] = ',';
        char* e = std::to_chars(text + 1, text + 30, limit).ptr;
        *e++ = '\n';
        const auto n = static_cast<std::size_t>(e - text);
        auto& row = t.rows[i];
        row.limit = limit;
        if (n > 16) continue;
        unsigned char bytes[16] = {};
        unsigned char mask[16] = {};
        std::memcpy(bytes, text, n);
        std::memset(mask, 0xff, n);
        std::memcpy(row.word, bytes, 16);
        std::memcpy(row.mask, mask, 16);
        row.size = static_cast<std::uint8_t>(n);
    }
    return t;
}

const RowTails& esxi_row_tails(Metric m) {
    static const std::array<RowTails, kMetricCount> tails = [] {
        std::array<RowTails, kMetricCount> t;
        for (std::size_t i = 0; i < kMetricCount; ++i)
            t[i] = make_row_tails(esxi_bucket_limits(static_cast<Metric>(i)));
        return t;
    }();
    return tails[static_cast<std::size_t>(m)];
}

// "<frequency>" then exactly `tail`; nullptr otherwise (and near the end of a
// piece, where 16 bytes cannot be read).
const char* scan_expected_row(const char* p, const char* end, const RowTail& tail,
                              std::uint64_t& freq) {
    // Room for the longest frequency and the tail: no bound checks per digit.
    if (end - p < 20 + 16 || tail.size == 0) return nullptr;
    const char* const first = p;
    std::uint64_t f = 0;
    for (unsigned d; (d = static_cast<unsigned char>(*p - '0')) < 10 && p - first < 20; ++p)
        f = f * 10 + d;
    if (p == first || p - first > 19) return nullptr;
    std::uint64_t w[2];
    std::memcpy(w, p, 16);
    if (((w[0] ^ tail.word[0]) & tail.mask[0]) | ((w[1] ^ tail.word[1]) & tail.mask[1]))
        return nullptr;
    freq = f;
    return p + tail.size;
}

// "Histogram: <title>,virtual machine worldGroupID,<wg>,virtual disk
// handleID,<handle> (<label>)\n" as vscsiStats prints it, read in place; the
// title is tried first as `hint` (the slot that follows the previous one).
// nullptr for anything else: the general path reads or names it.
const char* scan_header_line(const char* p, const char* end, std::size_t hint, Header& h,
                             std::size_t& slot) {
    constexpr std::string_view kPrefix = "Histogram: ";
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    if (!nl) return nullptr;
    std::string_view line(p, static_cast<std::size_t>(nl - p));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.starts_with(kPrefix)) return nullptr;
    line.remove_prefix(kPrefix.size());
    const auto titled = [&](std::size_t s) {
        const auto title = slot_info(s).title;
        return line.size() > title.size() + kWorldGroupTag.size() && line.starts_with(title) &&
               line.substr(title.size()).starts_with(kWorldGroupTag);
    };
    slot = hint < kSlotCount && titled(hint) ? hint : kSlotCount;
    for (std::size_t s = 0; s < kSlotCount && slot == kSlotCount; ++s)
        if (titled(s)) slot = s;
    if (slot == kSlotCount) return nullptr;
    h.title = line.substr(0, slot_info(slot).title.size());
    line.remove_prefix(h.title.size() + kWorldGroupTag.size());
    const auto digits = [&](std::int64_t& v) {
        std::uint64_t u = 0;
        std::size_t n = 0;
        while (n < line.size() && n < 18 && static_cast<unsigned char>(line[n] - '0') < 10)
            u = u * 10 + static_cast<unsigned>(line[n++] - '0');
        if (n == 0) return false;
        v = static_cast<std::int64_t>(u);
        line.remove_prefix(n);
        return true;
    };
    if (!digits(h.disk.world_group_id) || !line.starts_with(',')) return nullptr;
    line.remove_prefix(1);
    if (!line.starts_with(kHandleTag)) return nullptr;
    line.remove_prefix(kHandleTag.size());
    if (!digits(h.disk.handle_id)) return nullptr;
    if (line.empty()) {
        h.disk.label.clear();
    } else {
        if (line.size() < 3 || line[0] != ' ' || line[1] != '(' || line.back() != ')')
            return nullptr;
        h.disk.label.assign(line.data() + 2, line.size() - 3);
    }
    return nl + 1;
}

}  // namespace

namespace detail {

// Fed the text in pieces of any size (a whole file, or a read buffer at a
// time), it keeps only the unfinished line between pieces. It either builds
// the whole output, or (with a sink) hands over each run of one disk's
// histograms and keeps only which histograms it has seen.
class CsvParser {
  public:
    // With `prints`, a repeated histogram starts a new print (pushed there)
    // instead of being an error.
    CsvParser(VscsiStatsOutput& out, const CsvParseOptions& opt,
              std::vector<VscsiStatsOutput>* prints = nullptr,
              std::vector<std::size_t>* first_lines = nullptr)
        : out_(out),
          opt_(opt),
          prints_(prints),
          first_lines_(first_lines),
          next_line_(opt.first_line) {
        out_.disks.clear();
    }
    CsvParser(VscsiStatsSink& sink, const CsvParseOptions& opt, bool several_prints)
        : out_(block_holder_),
          opt_(opt),
          prints_(nullptr),
          first_lines_(nullptr),
          next_line_(opt.first_line),
          sink_(&sink),
          several_prints_(several_prints) {}

    ParseStatus feed(std::string_view chunk) {
        const char* p = chunk.data();
        const char* const end = p + chunk.size();
        if (!partial_.empty()) {
            const auto* nl = static_cast<const char*>(std::memchr(p, '\n', chunk.size()));
            if (!nl) {
                partial_.append(p, end);
                return {};
            }
            partial_.append(p, nl);
            p = nl + 1;
            if (auto e = line(partial_); !e) return e;
            partial_.clear();
        }
        while (p < end) {
            if (state_ == State::buckets && by_table_) {
                // ESXi's rows, matched against its limits: only the frequencies are read.
                const RowTails& t = *tails_;
                auto& freqs = hist_->frequencies;
                std::uint64_t freq = 0;
                while (const char* next = scan_expected_row(p, end, t.rows[table_rows_], freq)) {
                    line_no_ = next_line_++;
                    p = next;
                    freqs.push_back(freq);
                    if (++table_rows_ == t.count) break;  // the overflow row closes it
                }
                by_table_ = false;
                if (table_rows_ == t.count) {
                    if (!finish_histogram(esxi_bucket_limits(slot_info(slot_).metric)))
                        return std::move(*failed_);
                    continue;
                }
                // A row of another shape, or the end of the piece: on with the rows
                // read so far as limits, the general way.
                for (std::size_t i = 0; i < table_rows_; ++i) limits_.push_back(t.rows[i].limit);
            }
            if (state_ == State::buckets) {
                // A histogram's rows one after another, straight to the buckets.
                std::uint64_t freq = 0;
                std::int64_t limit = 0;
                const char* next = nullptr;
                while ((next = scan_row(p, end, freq, limit)) != nullptr) {
                    line_no_ = next_line_++;
                    p = next;
                    if (!limits_.empty() && limit <= limits_.back()) {
                        if (!close_or_refuse(freq, limit)) return std::move(*failed_);
                        break;
                    }
                    if (limits_.size() == kMaxBuckets) {
                        refuse_bucket_count();
                        return std::move(*failed_);
                    }
                    limits_.push_back(limit);
                    hist_->frequencies.push_back(freq);
                }
                if (next || p == end) continue;
            }
            if (state_ == State::min) {
                // The four statistics and the bucket header, as printed, in one go.
                if (const char* next = scan_head(p, end)) {
                    next_line_ += 5;
                    line_no_ = next_line_ - 1;
                    state_ = State::buckets;
                    p = next;
                    continue;
                }
            }
            line_no_ = next_line_;
            if (const char* next = fast_line(p, end)) {
                ++next_line_;
                if (failed_) return std::move(*failed_);
                p = next;
                continue;
            }
            const auto* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
            if (!nl) {
                partial_.assign(p, end);
                break;
            }
            if (auto e = line({p, static_cast<std::size_t>(nl - p)}); !e) return e;
            p = nl + 1;
        }
        return {};
    }

    ParseStatus finish() {
        if (!partial_.empty()) {
            if (auto e = line(partial_); !e) return e;
            partial_.clear();
        }
        if (sink_) {
            if (state_ == State::header) flush_block();
            if (histograms_ > 0 && state_ == State::header) return {};
        }
        if (state_ != State::header) {
            const auto& info = slot_info(slot_);
            return error(line_no_, expected_field(),
                         fmt::format("input ends inside histogram '{}' that starts at line {} "
                                     "(truncated output?)",
                                     info.title, header_line_));
        }
        if (histograms_ == 0)
            return error(0, "",
                         "no histograms found: expected the output of "
                         "`vscsiStats -p all -c` (CSV, one 'Histogram:' section per "
                         "histogram)");
        return {};
    }

  private:
    enum class State { header, min, max, mean, count, frequency_header, buckets };

    // The lines of a histogram's body as vscsiStats prints them, read in place;
    // nullptr sends the line through the general path (which also names errors).
    const char* fast_line(const char* p, const char* end) {
        const char* next = nullptr;
        switch (state_) {
            case State::buckets: {
                std::uint64_t freq = 0;
                std::int64_t limit = 0;
                next = scan_row(p, end, freq, limit);
                if (next) add_bucket(freq, limit);
                return next;
            }
            case State::min:
                next = scan_stat_row(p, end, "min", hist_->min);
                break;
            case State::max:
                next = scan_stat_row(p, end, "max", hist_->max);
                break;
            case State::mean:
                next = scan_stat_row(p, end, "mean", hist_->mean);
                break;
            case State::count:
                next = scan_stat_row(p, end, "count", hist_->count);
                break;
            case State::frequency_header:
                if (static_cast<std::size_t>(end - p) > kFrequencyHeader.size() &&
                    std::memcmp(p, kFrequencyHeader.data(), kFrequencyHeader.size()) == 0) {
                    const char* q = p + kFrequencyHeader.size();
                    if (*q == '\r') ++q;
                    if (q < end && *q == '\n') next = q + 1;
                }
                break;
            case State::header: {
                Header h;
                std::size_t slot = 0;
                next = scan_header_line(p, end, slot_ + 1, h, slot);
                if (next)
                    if (auto e = begin_histogram(std::move(h), slot); !e)
                        failed_ = std::move(e.error());
                return next;
            }
        }
        if (next) state_ = static_cast<State>(static_cast<int>(state_) + 1);
        return next;
    }

    ParseStatus line(std::string_view text) {
        line_no_ = next_line_++;
        if (line_no_ == opt_.first_line && text.starts_with(kUtf8Bom))
            text.remove_prefix(kUtf8Bom.size());
        text = without_padding(text::trim(text));
        if (text.empty()) return {};
        return step(text);
    }

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
                    return error(line_no_, "bucket header",
                                 fmt::format("expected '{}', found {}", kFrequencyHeader,
                                             text::excerpt(line)));
                state_ = State::buckets;
                return {};
            case State::buckets:
                return on_bucket_line(line);
        }
        return {};
    }

    ParseStatus on_header(std::string_view line) {
        Header h;
        if (auto parsed = parse_header(line, h); !parsed)
            return error(line_no_, "header", parsed.error());
        const auto slot = slot_from_title(h.title);
        if (!slot)
            return error(line_no_, "histogram title",
                         fmt::format("unknown histogram {}: this vscsiStats prints something vscsi "
                                     "does not know; keep the raw file and report it",
                                     text::excerpt(h.title)));
        return begin_histogram(std::move(h), *slot);
    }

    // A header read (by either path): the histogram it opens, in its disk.
    ParseStatus begin_histogram(Header h, std::size_t slot) {
        ++histograms_;
        if (sink_) return on_streamed_header(std::move(h), slot);
        // A disk's histograms come one after another: look at the last disk first,
        // then the index (a host-wide print has thousands of disks: no linear scan).
        DiskHistograms* disk = nullptr;
        if (!out_.disks.empty() && out_.disks.back().disk.same_disk(h.disk)) {
            disk = &out_.disks.back();
        } else if (const auto [it, added] =
                       disk_index_.try_emplace(disk_key(h.disk), out_.disks.size());
                   !added) {
            disk = &out_.disks[it->second];
        } else {
            disk = &out_.disks.emplace_back();
            disk->disk = std::move(h.disk);
        }
        if (disk->present[slot] && prints_) {
            start_next_print();
            disk = &new_disk(std::move(h.disk));  // found, so not moved from above
        } else if (disk->present[slot]) {
            return error(line_no_, "histogram title",
                         fmt::format("histogram '{}' for disk {} appears twice (first at line {})",
                                     h.title, disk->disk.display(), disk->header_line[slot]));
        }
        if (first_lines_ && first_lines_->size() == (prints_ ? prints_->size() : 0))
            first_lines_->push_back(line_no_);
        start_histogram(*disk, slot);
        return {};
    }

    void start_histogram(DiskHistograms& disk, std::size_t slot) {
        slot_ = slot;
        header_line_ = line_no_;
        disk.present[slot_] = true;
        disk.header_line[slot_] = header_line_;
        hist_ = &disk.slots[slot_];
        // Reset in place: a streamed block reuses its buffers disk after disk.
        hist_->min = hist_->max = hist_->mean = 0;
        hist_->count = 0;
        hist_->limits = {};
        hist_->frequencies.clear();
        hist_->frequencies.reserve(esxi_bucket_limits(slot_info(slot_).metric).size() + 1);
        limits_.clear();
        tails_ = &esxi_row_tails(slot_info(slot_).metric);
        table_rows_ = 0;
        by_table_ = true;
        state_ = State::min;
    }

    // Sink mode: the block holds the current disk's run of histograms; `seen_`
    // remembers, per disk of the current print, which histograms came where.
    ParseStatus on_streamed_header(Header h, std::size_t slot) {
        const bool same_run = block_open_ && block_holder_.disks.front().disk.same_disk(h.disk);
        if (!same_run) {
            const auto [it, added] = disk_index_.try_emplace(disk_key(h.disk), seen_.size());
            if (added) seen_.push_back({h.disk, {}});
            seen_at_ = it->second;
        }
        if (seen_[seen_at_].header_line[slot] != 0) {
            if (!several_prints_) {
                const auto& seen = seen_[seen_at_];
                return error(line_no_, "histogram title",
                             fmt::format("histogram '{}' for disk {} appears twice (first at line "
                                         "{})",
                                         h.title, seen.disk.display(), seen.header_line[slot]));
            }
            flush_block();
            seen_.clear();
            disk_index_.clear();
            disk_index_.emplace(disk_key(h.disk), 0);
            seen_.push_back({h.disk, {}});
            seen_at_ = 0;
            print_started_ = false;
        }
        if (!print_started_) {
            sink_->on_print(line_no_);
            print_started_ = true;
        }
        seen_[seen_at_].header_line[slot] = line_no_;
        if (!block_open_ || !block_holder_.disks.front().disk.same_disk(h.disk)) {
            flush_block();
            if (block_holder_.disks.empty()) block_holder_.disks.emplace_back();
            auto& b = block_holder_.disks.front();
            b.disk = std::move(h.disk);
            b.present = {};
            b.header_line = {};
            block_open_ = true;
            block_position_ = seen_at_;
        }
        start_histogram(block_holder_.disks.front(), slot);
        return {};
    }

    void flush_block() {
        if (!block_open_) return;
        sink_->on_disk(block_holder_.disks.front(), block_position_);
        block_open_ = false;
    }

    template <class Int>
    ParseStatus on_stat(std::string_view line, std::string_view key, Int& value, State next) {
        const auto comma = line.find(',');
        if (comma == std::string_view::npos || line.substr(0, comma) != key)
            return error(
                line_no_, std::string(key),
                fmt::format("expected '{},<integer>' (line {} of the histogram that "
                            "starts at line {}), found {}",
                            key, line_no_ - header_line_ + 1, header_line_, text::excerpt(line)));
        if (!text::parse_int(line.substr(comma + 1), value))
            return error(line_no_, std::string(key),
                         fmt::format("'{}' is not {} integer", line.substr(comma + 1),
                                     std::is_signed_v<Int> ? "an" : "a non-negative"));
        state_ = next;
        return {};
    }

    ParseStatus on_bucket_line(std::string_view line) {
        if (line.starts_with(kHistogramPrefix))
            return error(line_no_, "bucket row",
                         fmt::format("a new histogram starts before histogram '{}' (line {}) "
                                     "ended with its overflow row (the row that repeats the last "
                                     "limit): truncated output?",
                                     slot_info(slot_).title, header_line_));
        const auto comma = line.find(',');
        std::uint64_t freq = 0;
        std::int64_t limit = 0;
        if (comma == std::string_view::npos || !text::parse_int(line.substr(0, comma), freq) ||
            !text::parse_int(line.substr(comma + 1), limit))
            return error(line_no_, "bucket row",
                         fmt::format("expected '<frequency>,<bucket limit>' (non-negative "
                                     "integer, integer), found {}",
                                     text::excerpt(line)));
        return on_bucket(freq, limit);
    }

    ParseStatus on_bucket(std::uint64_t freq, std::int64_t limit) {
        if (!add_bucket(freq, limit)) return std::move(*failed_);
        return {};
    }

    // "min,N\nmax,N\nmean,N\ncount,N\nFrequency,Histogram Bucket Limit\n" or nullptr
    // (left to the line-by-line path, which reads or names what differs).
    const char* scan_head(const char* p, const char* end) const {
        auto& h = *hist_;
        if (!(p = scan_stat_row(p, end, "min", h.min))) return nullptr;
        if (!(p = scan_stat_row(p, end, "max", h.max))) return nullptr;
        if (!(p = scan_stat_row(p, end, "mean", h.mean))) return nullptr;
        if (!(p = scan_stat_row(p, end, "count", h.count))) return nullptr;
        if (static_cast<std::size_t>(end - p) <= kFrequencyHeader.size() ||
            std::memcmp(p, kFrequencyHeader.data(), kFrequencyHeader.size()) != 0)
            return nullptr;
        p += kFrequencyHeader.size();
        if (*p == '\r') ++p;
        return p < end && *p == '\n' ? p + 1 : nullptr;
    }

    // A bucket row: by its expected text when the limits are ESXi's, else read.
    const char* scan_row(const char* p, const char* end, std::uint64_t& freq,
                         std::int64_t& limit) const {
        if (const auto i = limits_.size(); i < tails_->count) {
            const auto& tail = tails_->rows[i];
            if (const char* next = scan_expected_row(p, end, tail, freq)) {
                limit = tail.limit;
                return next;
            }
        }
        return scan_bucket_row(p, end, freq, limit);
    }

    // The per-row step, kept free of result objects: false with `failed_` set.
    bool add_bucket(std::uint64_t freq, std::int64_t limit) {
        if (!limits_.empty() && limit <= limits_.back()) return close_or_refuse(freq, limit);
        if (limits_.size() == kMaxBuckets) return refuse_bucket_count();
        limits_.push_back(limit);
        hist_->frequencies.push_back(freq);
        return true;
    }

    bool refuse_bucket_count() {
        failed_ = error(line_no_, "bucket row",
                        fmt::format("histogram '{}' (line {}) has more than {} buckets: vscsiStats "
                                    "prints at most a few dozen (not vscsiStats output?)",
                                    slot_info(slot_).title, header_line_, kMaxBuckets));
        return false;
    }

    // A row whose limit does not grow: the overflow row (it repeats the last
    // limit) closes the histogram; a lower one is an error.
    bool close_or_refuse(std::uint64_t freq, std::int64_t limit) {
        if (limit == limits_.back()) {
            hist_->frequencies.push_back(freq);
            return finish_histogram(limits_);
        }
        failed_ = error(line_no_, "bucket row",
                        fmt::format("bucket limit {} is below the previous limit {}: limits "
                                    "must increase",
                                    limit, limits_.back()));
        return false;
    }

    bool finish_histogram(std::span<const std::int64_t> limits) {
        auto& h = *hist_;
        h.limits = HistogramLimits(limits);
        if (opt_.require_count_match) {
            const auto sum = h.frequency_sum();
            if (sum != h.count) {
                failed_ = error(line_no_, "count",
                                fmt::format("bucket frequencies of histogram '{}' (line {}) add "
                                            "up to {} but its count is {}",
                                            slot_info(slot_).title, header_line_, sum, h.count));
                return false;
            }
        }
        if (h.count > 0 && h.min > h.max) {
            failed_ = error(header_line_ + 1, "min",
                            fmt::format("min {} is greater than max {}", h.min, h.max));
            return false;
        }
        state_ = State::header;
        return true;
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

    struct SeenDisk {
        DiskId disk;
        std::array<std::size_t, kSlotCount> header_line;  // 0: not seen
    };

    std::unordered_map<DiskKey, std::size_t, DiskKeyHash> disk_index_;
    VscsiStatsOutput block_holder_;  // sink mode: one disk
    VscsiStatsOutput& out_;
    const CsvParseOptions& opt_;
    std::vector<VscsiStatsOutput>* prints_;
    std::vector<std::size_t>* first_lines_;
    std::string partial_;  // a line split between two pieces
    std::size_t next_line_;
    std::size_t line_no_ = 0;
    State state_ = State::header;
    Histogram* hist_ = nullptr;
    std::vector<std::int64_t> limits_;  // of the histogram being read
    const RowTails* tails_ = nullptr;   // the rows ESXi would print for it
    std::size_t table_rows_ = 0;        // rows matched by tails_ (limits_ not yet filled)
    bool by_table_ = false;             // the histogram's rows so far are all ESXi's
    std::optional<ParseError> failed_;
    std::size_t slot_ = 0;
    std::size_t header_line_ = 0;
    std::size_t histograms_ = 0;
    VscsiStatsSink* sink_ = nullptr;
    bool several_prints_ = false;
    std::vector<SeenDisk> seen_;
    std::size_t seen_at_ = 0;         // the current header's disk in seen_
    std::size_t block_position_ = 0;  // the block's disk in seen_
    bool block_open_ = false;
    bool print_started_ = false;
};

}  // namespace detail

namespace {

using detail::CsvParser;

ParseStatus parse_all(CsvParser& parser, std::string_view text) {
    if (auto e = parser.feed(text); !e) return e;
    return parser.finish();
}

}  // namespace

ParseStatus parse_vscsistats_csv(std::string_view text, VscsiStatsOutput& out,
                                 const CsvParseOptions& options) {
    CsvParser parser(out, options);
    return parse_all(parser, text);
}

ParseStatus parse_vscsistats_prints(std::string_view text, std::vector<VscsiStatsOutput>& prints,
                                    const CsvParseOptions& options,
                                    std::vector<std::size_t>* first_lines) {
    prints.clear();
    if (first_lines) first_lines->clear();
    VscsiStatsOutput last;
    CsvParser parser(last, options, &prints, first_lines);
    if (auto e = parse_all(parser, text); !e) return e;
    prints.push_back(std::move(last));
    return {};
}

VscsiStatsStreamParser::VscsiStatsStreamParser(VscsiStatsSink& sink, CsvParseOptions options,
                                               bool several_prints)
    : options_(std::move(options)),
      parser_(std::make_unique<CsvParser>(sink, options_, several_prints)) {}

VscsiStatsStreamParser::~VscsiStatsStreamParser() = default;

ParseStatus VscsiStatsStreamParser::feed(std::string_view piece) {
    return parser_->feed(piece);
}

ParseStatus VscsiStatsStreamParser::finish() {
    return parser_->finish();
}

VscsiStatsOutput parse_vscsistats_csv_or_throw(std::string_view text,
                                               const CsvParseOptions& options) {
    VscsiStatsOutput out;
    if (auto e = parse_vscsistats_csv(text, out, options); !e) throw DataError(e.error());
    return out;
}

namespace {

template <class Int>
void append_int(std::string& out, Int v) {
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
}

// "<frequency>,<limit>\n"
void append_row(std::string& out, std::uint64_t frequency, std::int64_t limit) {
    char row[48];
    auto* p = std::to_chars(row, row + 20, frequency).ptr;
    *p++ = ',';
    p = std::to_chars(p, p + 21, limit).ptr;
    *p++ = '\n';
    out.append(row, static_cast<std::size_t>(p - row));
}

}  // namespace

// By appends and to_chars, not format strings: the collector writes every
// sample it takes this way, and fmt's parsing of a format string per line made
// writing 3x slower than reading.
void append_vscsistats_csv(std::string& out, const VscsiStatsOutput& data) {
    for (const auto& disk : data.disks) {
        const auto& id = disk.disk;
        for (std::size_t s = 0; s < kSlotCount; ++s) {
            if (!disk.present[s]) continue;
            const auto& h = disk.slots[s];
            out += "Histogram: ";
            out += slot_info(s).title;
            out += kWorldGroupTag;
            append_int(out, id.world_group_id);
            out += ',';
            out += kHandleTag;
            append_int(out, id.handle_id);
            if (!id.label.empty()) {
                out += " (";
                out += id.label;
                out += ')';
            }
            out += "\nmin,";
            append_int(out, h.min);
            out += "\nmax,";
            append_int(out, h.max);
            out += "\nmean,";
            append_int(out, h.mean);
            out += "\ncount,";
            append_int(out, h.count);
            out += '\n';
            out += kFrequencyHeader;
            out += '\n';
            for (std::size_t i = 0; i < h.limits.size(); ++i)
                append_row(out, h.frequencies[i], h.limits[i]);
            if (!h.limits.empty()) append_row(out, h.overflow(), h.limits.back());
        }
    }
}

std::string format_vscsistats_csv(const VscsiStatsOutput& data) {
    std::string s;
    append_vscsistats_csv(s, data);
    return s;
}

}  // namespace vscsi
