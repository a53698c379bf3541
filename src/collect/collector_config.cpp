#include "collect/collector_config.hpp"

namespace vscsi::collect {

CollectorConfig collector_config(const ResumePlan& plan, const std::string& origin) {
    CollectorConfig c;
    c.collections = plan.collections;
    c.samples = plan.samples;
    c.interval = plan.interval;
    c.rearm_every = plan.rearm_every;
    c.give_up_after = plan.give_up_after;
    c.origin = origin;
    return c;
}

}  // namespace vscsi::collect
