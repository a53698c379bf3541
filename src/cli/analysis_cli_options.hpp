#pragma once
// The options that decide how a job is analyzed (idle filter, percentiles),
// shared by `analyze` and `compare` so both read jobs the same way.

#include <boost/program_options.hpp>
#include <string>

#include "analysis/job_analysis.hpp"

namespace vscsi {

// --size must be what fio reads as a size: digits with an optional unit, or a
// percentage. Throws UsageError.
void check_fio_size(const std::string& size);

struct AnalysisCliOptions {
    std::string filter = "percentile";
    double threshold = 0;
    std::string method = "interpolate";

    void add_to(boost::program_options::options_description& desc);
    // Throws UsageError on values that are not understood.
    AnalyzeOptions resolve(const boost::program_options::variables_map& vm) const;
};

}  // namespace vscsi
