// vscsiStats CSV: parse; what parses writes back in vscsiStats' format and
// re-parses to the same data; appended prints split the same way; the
// streaming parser, fed in pieces, agrees with the whole-text one.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "format/vscsistats_csv.hpp"

namespace {

class CsvOfRuns final : public vscsi::VscsiStatsSink {
  public:
    void on_print(std::size_t) override { ++prints; }
    void on_disk(const vscsi::DiskHistograms& run, std::size_t) override {
        one.disks.assign(1, run);
        vscsi::append_vscsistats_csv(csv, one);
    }
    std::string csv;
    std::size_t prints = 0;

  private:
    vscsi::VscsiStatsOutput one;
};

vscsi::ParseStatus stream(std::string_view text, std::size_t piece, bool several, CsvOfRuns& sink) {
    vscsi::VscsiStatsStreamParser parser(sink, {}, several);
    for (std::size_t at = 0; at < text.size(); at += piece)
        if (auto e = parser.feed(text.substr(at, piece)); !e) return e;
    return parser.finish();
}

bool same_failure(const vscsi::ParseStatus& a, const vscsi::ParseStatus& b) {
    if (a.has_value() != b.has_value()) return false;
    return a.has_value() ||
           (a.error().line == b.error().line && a.error().field == b.error().field);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::size_t piece = size == 0 ? 1 : 1 + data[0] % 97;
    vscsi::VscsiStatsOutput out;
    const auto whole = vscsi::parse_vscsistats_csv(text, out);
    if (whole) {
        const auto written = vscsi::format_vscsistats_csv(out);
        vscsi::VscsiStatsOutput again;
        if (!vscsi::parse_vscsistats_csv(written, again)) std::abort();
        if (vscsi::format_vscsistats_csv(again) != written) std::abort();
    }
    CsvOfRuns runs;
    const auto streamed = stream(text, piece, false, runs);
    if (!same_failure(whole, streamed)) std::abort();
    if (whole) {
        vscsi::VscsiStatsOutput regrouped;
        if (!vscsi::parse_vscsistats_csv(runs.csv, regrouped)) std::abort();
        if (vscsi::format_vscsistats_csv(regrouped) != vscsi::format_vscsistats_csv(out))
            std::abort();
    }
    std::vector<vscsi::VscsiStatsOutput> prints;
    std::vector<std::size_t> lines;
    const auto split = vscsi::parse_vscsistats_prints(text, prints, {}, &lines);
    CsvOfRuns print_runs;
    const auto streamed_prints = stream(text, piece, true, print_runs);
    if (!same_failure(split, streamed_prints)) std::abort();
    if (split && print_runs.prints != prints.size()) std::abort();
    return 0;
}
