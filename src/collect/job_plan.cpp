#include "collect/job_plan.hpp"

#include <fmt/core.h>

#include <boost/json.hpp>

#include "format/parse_error.hpp"

namespace vscsi::collect {
namespace json = boost::json;

boost::json::object plan_to_json(const JobPlan& p) {
    json::array cols;
    for (const auto& t : p.collector.collections) {
        json::object o{{"world_group_id", t.world_group_id}};
        o["handle_id"] = t.handle_id ? json::value(*t.handle_id) : nullptr;
        json::array wanted;
        for (auto h : t.wanted_handles) wanted.push_back(h);
        o["wanted_handles"] = std::move(wanted);
        cols.push_back(std::move(o));
    }
    json::array keys;
    for (const auto& k : p.ssh.key_files) keys.push_back(json::value(k));
    return {{"collections", std::move(cols)},
            {"samples", p.collector.samples},
            {"interval_ms", p.collector.interval.count()},
            {"rearm_every_ms", p.collector.rearm_every.count()},
            {"give_up_after_ms", p.collector.give_up_after.count()},
            {"command_timeout_ms", p.command_timeout.count()},
            {"ssh",
             {{"host", p.ssh.host},
              {"user", p.ssh.user},
              {"port", p.ssh.port},
              {"key_files", std::move(keys)},
              {"use_agent", p.ssh.use_agent},
              {"known_hosts", p.ssh.known_hosts},
              {"ssh_config", p.ssh.ssh_config},
              {"accept_new_host_key", p.ssh.accept_new_host_key},
              {"password_file", p.ssh.password_file},
              {"connect_timeout_ms", p.ssh.connect_timeout.count()}}}};
}

namespace {

struct Reader {
    const std::string& source;
    [[noreturn]] void fail(const std::string& field, const std::string& why) const {
        throw DataError(ParseError{source, 0, "plan." + field,
                                   why + " (the job cannot be resumed; "
                                         "its samples are intact: analyze it)"});
    }
    const json::value& at(const json::object& o, const char* key, const std::string& path) const {
        const auto* v = o.if_contains(key);
        if (!v) fail(path + key, "missing");
        return *v;
    }
    std::int64_t integer(const json::object& o, const char* key,
                         const std::string& path = "") const {
        const auto& v = at(o, key, path);
        if (v.is_int64()) return v.as_int64();
        if (v.is_uint64() && v.as_uint64() <= INT64_MAX)
            return static_cast<std::int64_t>(v.as_uint64());
        fail(path + key, "not an integer");
    }
    std::string string(const json::object& o, const char* key, const std::string& path = "") const {
        const auto& v = at(o, key, path);
        if (!v.is_string()) fail(path + key, "not a string");
        return std::string(v.as_string());
    }
    bool boolean(const json::object& o, const char* key, const std::string& path = "") const {
        const auto& v = at(o, key, path);
        if (!v.is_bool()) fail(path + key, "not true/false");
        return v.as_bool();
    }
    const json::object& object(const json::value& v, const std::string& path) const {
        if (!v.is_object()) fail(path, "not an object");
        return v.as_object();
    }
    const json::array& array(const json::object& o, const char* key,
                             const std::string& path = "") const {
        const auto& v = at(o, key, path);
        if (!v.is_array()) fail(path + key, "not an array");
        return v.as_array();
    }
};

}  // namespace

JobPlan plan_from_meta(const JobMeta& meta, const std::string& source) {
    const Reader r{source};
    const auto* pv = meta.extra.if_contains("plan");
    if (!pv) r.fail("", "missing: the job was not started by this collector");
    const auto& o = r.object(*pv, "plan");
    JobPlan p;
    std::size_t i = 0;
    for (const auto& cv : r.array(o, "collections")) {
        const auto path = fmt::format("collections[{}].", i++);
        const auto& c = r.object(cv, path);
        CollectionTarget t;
        t.world_group_id = r.integer(c, "world_group_id", path);
        if (!r.at(c, "handle_id", path).is_null()) t.handle_id = r.integer(c, "handle_id", path);
        for (const auto& h : r.array(c, "wanted_handles", path)) {
            if (!h.is_int64()) r.fail(path + "wanted_handles", "not an integer");
            t.wanted_handles.push_back(h.as_int64());
        }
        p.collector.collections.push_back(std::move(t));
    }
    auto positive_ms = [&](const char* key) {
        const auto v = r.integer(o, key);
        if (v <= 0) r.fail(key, "must be > 0");
        return Millis(v);
    };
    const auto samples = r.integer(o, "samples");
    if (samples <= 0) r.fail("samples", "must be > 0");
    p.collector.samples = static_cast<std::uint64_t>(samples);
    p.collector.interval = positive_ms("interval_ms");
    p.collector.rearm_every = positive_ms("rearm_every_ms");
    p.collector.give_up_after = positive_ms("give_up_after_ms");
    p.command_timeout = positive_ms("command_timeout_ms");
    p.collector.origin = meta.host.hostname;
    const auto& s = r.object(r.at(o, "ssh", ""), "ssh");
    p.ssh.host = r.string(s, "host", "ssh.");
    p.ssh.user = r.string(s, "user", "ssh.");
    const auto port = r.integer(s, "port", "ssh.");
    if (port < 0 || port > 65535) r.fail("ssh.port", "not a port number");
    p.ssh.port = static_cast<unsigned>(port);
    for (const auto& k : r.array(s, "key_files", "ssh.")) {
        if (!k.is_string()) r.fail("ssh.key_files", "not a string");
        p.ssh.key_files.emplace_back(k.as_string());
    }
    p.ssh.use_agent = r.boolean(s, "use_agent", "ssh.");
    p.ssh.known_hosts = r.string(s, "known_hosts", "ssh.");
    p.ssh.ssh_config = r.string(s, "ssh_config", "ssh.");
    p.ssh.accept_new_host_key = r.boolean(s, "accept_new_host_key", "ssh.");
    if (s.contains("password_file")) p.ssh.password_file = r.string(s, "password_file", "ssh.");
    p.ssh.connect_timeout = Millis(r.integer(s, "connect_timeout_ms", "ssh."));
    return p;
}

TimePoint planned_end(const JobMeta& meta, const JobPlan& p) {
    const auto start = meta.collection.started_at.value_or(meta.created_at);
    // A dead collector is an outage like a lost host: the same tolerance applies.
    return start + p.collector.interval * static_cast<long long>(p.collector.samples) +
           p.collector.give_up_after;
}

}  // namespace vscsi::collect
