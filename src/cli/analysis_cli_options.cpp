#include "cli/analysis_cli_options.hpp"

#include <fmt/core.h>

#include <cctype>
#include <initializer_list>
#include <iostream>

#include "cli/command_context.hpp"

namespace vscsi {
namespace po = boost::program_options;

void check_fio_size(const std::string& size) {
    // fio sizes: digits with an optional k/m/g/t/p suffix (optionally 'i' and/or 'b'), or a
    // percentage.
    std::size_t i = 0;
    while (i < size.size() && std::isdigit(static_cast<unsigned char>(size[i]))) ++i;
    std::string suffix = size.substr(i);
    for (auto& c : suffix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const std::initializer_list<std::string_view> ok = {
        "",    "k",   "m",   "g",   "t",  "p",  "kb", "mb", "gb", "tb",
        "kib", "mib", "gib", "tib", "ki", "mi", "gi", "ti", "%"};
    bool good = i > 0;
    if (good) {
        good = false;
        for (auto s : ok) good = good || suffix == s;
    }
    if (!good)
        throw UsageError(
            fmt::format("--size '{}' is not a fio size such as 10G, 512M or 100%", size));
}

void AnalysisCliOptions::add_to(po::options_description& desc) {
    desc.add_options()("filter", po::value(&filter)->default_value(filter),
                       "idle filter: percentile | statistical | absolute | auto | none")(
        "threshold", po::value(&threshold),
        "percentile P (default 75), k for mean-k*sd (default 1), or IOPS for absolute")(
        "percentile-method", po::value(&method)->default_value(method),
        "interpolate (inside the bucket, the default) | bucket_upper_bound");
}

AnalyzeOptions AnalysisCliOptions::resolve(const po::variables_map& vm) const {
    AnalyzeOptions opt;
    const auto fm = filter_method_from_string(filter);
    if (!fm)
        throw UsageError(fmt::format(
            "--filter '{}' is not one of percentile, statistical, absolute, auto, none", filter));
    opt.filter = {*fm, vm.count("threshold") ? std::optional<double>(threshold) : std::nullopt};
    if (auto checked = check_filter_spec(opt.filter); !checked)
        throw UsageError(checked.error().message());
    if (vm.count("threshold") && *fm == FilterMethod::none)
        std::cerr << fmt::format(
            "Warning: --threshold {:g} has no effect with --filter none (every sample is "
            "analyzed)\n",
            threshold);
    if (method == "interpolate")
        opt.percentile_method = PercentileMethod::interpolate;
    else if (method == "bucket_upper_bound" || method == "upper")
        opt.percentile_method = PercentileMethod::bucket_upper_bound;
    else
        throw UsageError(fmt::format(
            "--percentile-method '{}' is not bucket_upper_bound or interpolate", method));
    return opt;
}

}  // namespace vscsi
