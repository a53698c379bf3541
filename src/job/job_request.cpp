#include "job/job_request.hpp"

#include <algorithm>

#include "format/json_fields.hpp"
#include "format/value_limits.hpp"

namespace vscsi {

boost::json::object to_json(const VcenterLink& l) {
    return {{"server", l.server},
            {"port", l.port},
            {"path", l.path},
            {"user", l.user},
            {"password_file", l.password_file},
            {"thumbprint", l.thumbprint},
            {"ca_file", l.ca_file},
            {"insecure", l.insecure}};
}

VcenterLink vcenter_link_from_json(const JsonFields& f) {
    VcenterLink l;
    l.server = f.string("server", true);
    const auto port = f.integer("port", 443);
    if (port < 1 || port > 65535) f.fail("port", "not a port number");
    l.port = static_cast<int>(port);
    l.path = f.string("path");
    if (l.path.empty()) l.path = "/sdk";
    l.user = f.string("user");
    l.password_file = f.string("password_file");
    l.thumbprint = f.string("thumbprint");
    l.ca_file = f.string("ca_file");
    l.insecure = f.boolean("insecure", false);
    return l;
}

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
