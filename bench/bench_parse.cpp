// Parse throughput of the vscsiStats CSV parser: best of N passes over one file
// held in memory (I/O excluded, as in the Python baseline).
#include <fmt/core.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "format/vscsistats_csv.hpp"
#include "util/file_io.hpp"

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: bench_parse FILE [passes]\n");
        return 2;
    }
    const int passes = argc > 2 ? std::atoi(argv[2]) : 5;
    std::string text;
    if (auto ec = vscsi::read_file(argv[1], text)) {
        fmt::print(stderr, "cannot read {}: {}\n", argv[1], ec.message());
        return 1;
    }
    vscsi::VscsiStatsOutput out;
    double best = 1e30;
    std::size_t histograms = 0;
    for (int i = 0; i < passes; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        if (auto e = vscsi::parse_vscsistats_csv(text, out, {argv[1]}); !e) {
            fmt::print(stderr, "{}\n", e.error().message());
            return 1;
        }
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::min(best, s);
    }
    for (const auto& d : out.disks)
        for (bool p : d.present) histograms += p;
    fmt::print(
        "{{\"parser\":\"c++\",\"bytes\":{},\"histograms\":{},\"best_seconds\":{:.6f},\"mb_per_s\":{"
        ":.2f}}}\n",
        text.size(), histograms, best, static_cast<double>(text.size()) / best / 1e6);
    return 0;
}
