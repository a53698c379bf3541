#include "vsphere/perf_metrics.hpp"

#include <algorithm>

namespace vscsi::vsphere {

namespace {

ParseError bad_number(const std::string& source, const XmlElement& e, std::string field) {
    return ParseError{source, e.line, std::move(field),
                      "not an integer: \"" + e.text.substr(0, 40) + "\""};
}

}  // namespace

Decoded<std::vector<PerfCounterInfo>> decode_perf_counters(const ObjectPage& page,
                                                           const std::string& source) {
    std::vector<PerfCounterInfo> out;
    for (const auto& oc : page.objects) {
        const auto* val = oc.value("perfCounter");
        if (!val) continue;
        for (const auto& c : val->children) {
            if (c.name != "PerfCounterInfo") continue;
            PerfCounterInfo info;
            const auto* key = c.child("key");
            if (!key || !read_integer(key->text, info.key))
                return ParseError{source, c.line, "PerfCounterInfo/key",
                                  "missing or not an integer"};
            if (const auto* n = c.child("nameInfo")) info.name = n->child_text("key");
            if (const auto* g = c.child("groupInfo")) info.group = g->child_text("key");
            if (const auto* u = c.child("unitInfo")) info.unit = u->child_text("key");
            info.rollup = c.child_text("rollupType");
            info.stats_type = c.child_text("statsType");
            if (const auto* l = c.child("level")) read_integer(l->text, info.level);
            out.push_back(std::move(info));
        }
    }
    if (out.empty())
        return ParseError{source, 0, "perfCounter", "the server listed no performance counters"};
    return out;
}

const PerfCounterInfo* find_counter(const std::vector<PerfCounterInfo>& counters,
                                    std::string_view group, std::string_view name,
                                    std::string_view rollup) {
    for (const auto& c : counters)
        if (c.group == group && c.name == name && c.rollup == rollup) return &c;
    return nullptr;
}

Decoded<std::vector<EntityMetrics>> decode_query_perf(const XmlElement& response,
                                                      const std::string& source) {
    std::vector<EntityMetrics> out;
    for (const auto& rv : response.children) {
        if (rv.name != "returnval") continue;
        EntityMetrics m;
        const auto* entity = rv.child("entity");
        if (!entity || entity->text.empty())
            return ParseError{source, rv.line, "returnval/entity", "missing"};
        m.entity = moref_of(*entity);
        std::vector<std::string> times;
        for (const auto& c : rv.children) {
            if (c.name == "sampleInfo") {
                ++m.samples;
                times.emplace_back(c.child_text("timestamp"));
                if (const auto* i = c.child("interval"); i && !read_integer(i->text, m.interval_s))
                    return bad_number(source, *i, "sampleInfo/interval");
            } else if (c.name == "value") {
                // PerfMetricIntSeries carries values; a CSV series (QueryPerfComposite/format csv)
                // is not asked for.
                PerfSeries s;
                const auto* id = c.child("id");
                if (!id) return ParseError{source, c.line, "value/id", "missing"};
                const auto* counter = id->child("counterId");
                if (!counter || !read_integer(counter->text, s.counter))
                    return ParseError{source, id->line, "id/counterId",
                                      "missing or not an integer"};
                s.instance = id->child_text("instance");
                for (const auto& v : c.children) {
                    if (v.name != "value") continue;
                    std::int64_t x = 0;
                    if (!read_integer(v.text, x)) return bad_number(source, v, "value");
                    s.values.push_back(x);
                }
                m.series.push_back(std::move(s));
            }
        }
        // ISO 8601 UTC stamps sort as text; servers send them either way round.
        if (!times.empty()) {
            auto [lo, hi] = std::minmax_element(times.begin(), times.end());
            m.first_time = *lo;
            m.last_time = *hi;
        }
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace vscsi::vsphere
