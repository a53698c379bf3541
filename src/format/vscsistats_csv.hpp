#pragma once
// Parser and writer for `vscsiStats -p <type> -c` output: a sequence of
// independent histograms, not one table. Pure: text in, data out.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/histogram.hpp"
#include "format/parse_error.hpp"

namespace vscsi {

struct CsvParseOptions {
    std::string source;          // named in errors
    std::size_t first_line = 1;  // line number of text[0] (when the text is embedded in a file)
    // The frequencies of a histogram must add up to its count. Turning this off
    // only helps with outputs captured while counters raced the printer.
    bool require_count_match = true;
};

// Parses into `out` (cleared first). Returns the first error, if any; `out` is
// then unspecified. Accepts CRLF line ends, blank lines, rows padded with
// commas (a CSV re-saved by a spreadsheet), a UTF-8 byte-order mark, several
// disks and VMs and any order of histograms; rejects unknown titles, duplicates, truncated
// histograms and non-numeric fields.
ParseStatus parse_vscsistats_csv(std::string_view text, VscsiStatsOutput& out,
                                 const CsvParseOptions& options = {});

// Several prints in one text, as the common hand-collection recipe writes them
// (`vscsiStats -p all -c >> out.csv` once a minute): a new print starts where a
// histogram repeats for a disk already seen. `first_lines` (optional) gets the
// line each print starts at. Same errors and tolerances as above.
ParseStatus parse_vscsistats_prints(std::string_view text, std::vector<VscsiStatsOutput>& prints,
                                    const CsvParseOptions& options = {},
                                    std::vector<std::size_t>* first_lines = nullptr);

// Receives a print as it is read: each run of one disk's histograms, in
// order. vscsiStats prints a disk's histograms together, so a run is usually
// the whole disk; a file made of several `-p TYPE` prints holds several runs
// of the same disk (each with other histograms).
class VscsiStatsSink {
  public:
    virtual ~VscsiStatsSink() = default;
    // A print starts at `first_line` (before its first run).
    virtual void on_print(std::size_t first_line) { (void)first_line; }
    // Valid during the call only: the parser reuses it for the next run.
    // `position`: the disk's place in the print, in the order disks first
    // appear (a later run of the same disk has the same position).
    virtual void on_disk(const DiskHistograms& run, std::size_t position) = 0;
};

namespace detail {
class CsvParser;
}

// The parser fed in pieces (a read buffer at a time) and handing each disk
// to a sink: memory is one disk and a small index of the print's disks, not
// the text nor the print. Same errors and tolerances as above; with
// `several_prints` a repeated histogram starts a new print (as
// parse_vscsistats_prints). After an error the parser must not be fed again.
class VscsiStatsStreamParser {
  public:
    VscsiStatsStreamParser(VscsiStatsSink& sink, CsvParseOptions options, bool several_prints);
    ~VscsiStatsStreamParser();
    VscsiStatsStreamParser(const VscsiStatsStreamParser&) = delete;
    VscsiStatsStreamParser& operator=(const VscsiStatsStreamParser&) = delete;

    ParseStatus feed(std::string_view piece);
    ParseStatus finish();  // the end of the input

  private:
    CsvParseOptions options_;
    std::unique_ptr<detail::CsvParser> parser_;
};

// Throwing convenience for commands that must abort on bad input.
VscsiStatsOutput parse_vscsistats_csv_or_throw(std::string_view text,
                                               const CsvParseOptions& options = {});

// Writes the exact format vscsiStats prints (so saved samples stay readable by
// any tool that reads vscsiStats CSV).
void append_vscsistats_csv(std::string& out, const VscsiStatsOutput& data);
std::string format_vscsistats_csv(const VscsiStatsOutput& data);

}  // namespace vscsi
