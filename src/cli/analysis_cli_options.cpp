#include "cli/analysis_cli_options.hpp"

#include <fmt/core.h>

#include "cli/command_context.hpp"

namespace vscsi {
namespace po = boost::program_options;

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
