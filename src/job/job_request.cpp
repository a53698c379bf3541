#include "job/job_request.hpp"

#include <algorithm>

#include "format/value_limits.hpp"

namespace vscsi {

std::string RequestProblem::option() const {
    std::string o = "--" + field;
    std::replace(o.begin(), o.end(), '_', '-');
    return o;
}

std::optional<RequestProblem> check_job_request(const JobRequest& r) {
    const struct {
        const char* field;
        double value;
        const limits::NumberRange& range;
    } numbers[] = {
        {"samples", static_cast<double>(r.samples), limits::kSamples},
        {"interval", r.interval_seconds, limits::kCollectionInterval},
        {"rearm_every", r.rearm_seconds, limits::kTimeoutSeconds},
        {"command_timeout", r.command_timeout_seconds, limits::kTimeoutSeconds},
        {"give_up_after", r.give_up_seconds, limits::kTimeoutSeconds},
    };
    for (const auto& n : numbers)
        if (auto why = limits::out_of_range(n.value, n.range)) return RequestProblem{n.field, *why};
    return std::nullopt;
}

}  // namespace vscsi
