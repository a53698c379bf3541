// Parse throughput of the vscsiStats CSV parser: best of N passes over one file
// held in memory (I/O excluded, as in the Python baseline), two ways:
//  - "model": the whole print built in memory (what analysis of a sample reads);
//  - "stream": fed 1 MiB at a time, each disk handed to a sink that keeps
//    per-disk totals (what import does: memory is one disk, not the print).
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>

#include "format/vscsistats_csv.hpp"
#include "util/file_io.hpp"

namespace {

// Per-disk totals, as the Python baseline computes them.
class TotalsSink final : public vscsi::VscsiStatsSink {
  public:
    void on_disk(const vscsi::DiskHistograms& run, std::size_t) override {
        for (std::size_t s = 0; s < vscsi::kSlotCount; ++s) {
            if (!run.present[s]) continue;
            ++histograms;
            ios += run.slots[s].count;
        }
    }
    std::size_t histograms = 0;
    std::uint64_t ios = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: bench_parse FILE [passes] [stream]\n");
        return 2;
    }
    const int passes = argc > 2 ? std::atoi(argv[2]) : 5;
    // "stream": only the streamed parse (for a profiler or an instruction count).
    const bool stream_only = argc > 3 && std::string_view(argv[3]) == "stream";
    std::string text;
    if (auto ec = vscsi::read_file(argv[1], text)) {
        fmt::print(stderr, "cannot read {}: {}\n", argv[1], ec.message());
        return 1;
    }
    vscsi::VscsiStatsOutput out;
    double best_model = 1e30, best_stream = 1e30;
    std::size_t histograms = 0, streamed = 0;
    constexpr std::size_t kPiece = 1 << 20;
    for (int i = 0; i < passes; ++i) {
        out = {};  // freeing the last pass's histograms is not parsing
        auto t0 = std::chrono::steady_clock::now();
        if (!stream_only) {
            if (auto e = vscsi::parse_vscsistats_csv(text, out, {argv[1]}); !e) {
                fmt::print(stderr, "{}\n", e.error().message());
                return 1;
            }
            best_model = std::min(best_model, seconds_since(t0));
        }

        TotalsSink sink;
        t0 = std::chrono::steady_clock::now();
        vscsi::VscsiStatsStreamParser parser(sink, {argv[1]}, false);
        for (std::size_t at = 0; at < text.size(); at += kPiece)
            if (auto e = parser.feed(std::string_view(text).substr(at, kPiece)); !e) {
                fmt::print(stderr, "{}\n", e.error().message());
                return 1;
            }
        if (auto e = parser.finish(); !e) {
            fmt::print(stderr, "{}\n", e.error().message());
            return 1;
        }
        best_stream = std::min(best_stream, seconds_since(t0));
        streamed = sink.histograms;
    }
    if (stream_only) {
        fmt::print("{{\"bytes\":{},\"histograms\":{},\"stream_mb_per_s\":{:.2f}}}\n", text.size(),
                   streamed, static_cast<double>(text.size()) / 1e6 / best_stream);
        return 0;
    }
    // Writing it back (what the collector does with every sample it stores).
    double best_write = 1e30;
    std::string written;
    for (int i = 0; i < passes; ++i) {
        written.clear();
        const auto t0 = std::chrono::steady_clock::now();
        vscsi::append_vscsistats_csv(written, out);
        best_write = std::min(best_write, seconds_since(t0));
    }
    for (const auto& d : out.disks)
        for (bool p : d.present) histograms += p;
    if (streamed != histograms) {
        fmt::print(stderr, "stream saw {} histograms, model {}\n", streamed, histograms);
        return 1;
    }
    const auto mb = static_cast<double>(text.size()) / 1e6;
    fmt::print(
        "{{\"parser\":\"c++\",\"bytes\":{},\"histograms\":{},\"best_seconds\":{:.6f},"
        "\"mb_per_s\":{:.2f},\"stream_best_seconds\":{:.6f},\"stream_mb_per_s\":{:.2f},"
        "\"write_mb_per_s\":{:.2f}}}\n",
        text.size(), histograms, best_model, mb / best_model, best_stream, mb / best_stream,
        static_cast<double>(written.size()) / 1e6 / best_write);
    return 0;
}
