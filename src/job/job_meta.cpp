#include "job/job_meta.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include "format/parse_error.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace json = boost::json;

std::string_view to_string(JobStatus s) {
    switch (s) {
        case JobStatus::pending: return "pending";
        case JobStatus::running: return "running";
        case JobStatus::completed: return "completed";
        case JobStatus::stopped: return "stopped";
        case JobStatus::failed: return "failed";
    }
    return "?";
}

std::optional<JobStatus> job_status_from_string(std::string_view s) {
    for (auto st : {JobStatus::pending, JobStatus::running, JobStatus::completed,
                    JobStatus::stopped, JobStatus::failed})
        if (to_string(st) == s) return st;
    return std::nullopt;
}

namespace {

json::value opt_time(const std::optional<TimePoint>& t) {
    return t ? json::value(format_iso8601(*t)) : json::value(nullptr);
}

// Field access that names the field and the file on every mismatch.
class Reader {
public:
    Reader(const std::string& source) : source_(source) {}

    [[noreturn]] void fail(const std::string& field, const std::string& reason) const {
        throw DataError(ParseError{source_, 0, field, reason});
    }

    const json::object& object(const json::value& v, const std::string& field) const {
        if (!v.is_object()) fail(field, "expected a JSON object");
        return v.get_object();
    }
    const json::value* find(const json::object& o, std::string_view key) const {
        const auto it = o.find(key);
        return it == o.end() || it->value().is_null() ? nullptr : &it->value();
    }
    std::string str(const json::object& o, std::string_view key, const std::string& path,
                     bool required = false) const {
        const auto* v = find(o, key);
        if (!v) {
            if (required) fail(path, "missing");
            return {};
        }
        if (!v->is_string()) fail(path, "expected a string");
        return std::string(v->get_string());
    }
    std::int64_t integer(const json::object& o, std::string_view key, const std::string& path,
                         std::int64_t def = 0) const {
        const auto* v = find(o, key);
        if (!v) return def;
        if (v->is_int64()) return v->get_int64();
        if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
        if (v->is_double() && v->get_double() == static_cast<double>(static_cast<std::int64_t>(v->get_double())))
            return static_cast<std::int64_t>(v->get_double());
        fail(path, "expected an integer");
    }
    double number(const json::object& o, std::string_view key, const std::string& path) const {
        const auto* v = find(o, key);
        if (!v) return 0;
        if (v->is_number()) return v->to_number<double>();
        fail(path, "expected a number");
    }
    bool boolean(const json::object& o, std::string_view key, const std::string& path,
                 bool def) const {
        const auto* v = find(o, key);
        if (!v) return def;
        if (!v->is_bool()) fail(path, "expected true or false");
        return v->get_bool();
    }
    std::optional<TimePoint> time(const json::object& o, std::string_view key,
                                  const std::string& path) const {
        const auto s = str(o, key, path);
        if (s.empty()) return std::nullopt;
        auto t = parse_iso8601(s);
        if (!t) fail(path, fmt::format("'{}' is not an ISO 8601 time such as 2026-01-31T12:00:00Z", s));
        return t;
    }
    std::vector<std::string> strings(const json::object& o, std::string_view key,
                                     const std::string& path) const {
        std::vector<std::string> r;
        const auto* v = find(o, key);
        if (!v) return r;
        if (!v->is_array()) fail(path, "expected an array of strings");
        for (const auto& e : v->get_array()) {
            if (!e.is_string()) fail(path, "expected an array of strings");
            r.emplace_back(e.get_string());
        }
        return r;
    }

private:
    const std::string& source_;
};

}  // namespace

json::object to_json(const JobMeta& m) {
    json::object o = m.extra;
    o["schema_version"] = m.schema_version;
    o["job_id"] = m.job_id;
    o["created_at"] = format_iso8601(m.created_at);
    o["updated_at"] = format_iso8601(m.updated_at);
    o["status"] = to_string(m.status);
    o["source"] = m.source;
    o["host"] = {{"hostname", m.host.hostname},
                 {"username", m.host.username},
                 {"port", m.host.port},
                 {"fingerprint", m.host.fingerprint}};
    json::array targets;
    for (const auto& t : m.targets) {
        json::array disks;
        for (const auto& d : t.disks) disks.push_back({{"handle_id", d.handle_id}, {"label", d.label}});
        targets.push_back({{"vm_name", t.vm_name},
                           {"world_group_id", t.world_group_id},
                           {"config_file", t.config_file},
                           {"disks", std::move(disks)}});
    }
    o["targets"] = std::move(targets);
    o["profile"] = {{"name", m.profile.name},
                    {"samples", m.profile.samples},
                    {"interval_seconds", m.profile.interval_seconds}};
    json::array errors;
    for (const auto& e : m.collection.errors) errors.emplace_back(e);
    o["collection"] = {{"started_at", opt_time(m.collection.started_at)},
                       {"completed_at", opt_time(m.collection.completed_at)},
                       {"samples_collected", m.collection.samples_collected},
                       {"samples_expected", m.collection.samples_expected},
                       {"errors", std::move(errors)}};
    json::array manual;
    for (const auto& c : m.cleanup.manual_commands) manual.emplace_back(c);
    o["cleanup"] = {{"vscsistats_stopped", m.cleanup.vscsistats_stopped},
                    {"stopped_at", opt_time(m.cleanup.stopped_at)},
                    {"error", m.cleanup.error.empty() ? json::value(nullptr) : json::value(m.cleanup.error)},
                    {"manual_commands", std::move(manual)}};
    json::object tags;
    for (const auto& [k, v] : m.tags) tags[k] = v;
    o["tags"] = std::move(tags);
    return o;
}

JobMeta job_meta_from_json(const json::value& v, const std::string& source) {
    Reader r(source);
    const auto& o = r.object(v, "job.json");
    JobMeta m;
    m.schema_version = static_cast<int>(r.integer(o, "schema_version", "schema_version", 0));
    if (m.schema_version < 1) r.fail("schema_version", "missing or not a positive integer");
    if (m.schema_version > kJobSchemaVersion)
        r.fail("schema_version", fmt::format("schema {} is newer than this vscsi understands ({}); "
                                             "upgrade vscsi to read this job",
                                             m.schema_version, kJobSchemaVersion));
    m.job_id = r.str(o, "job_id", "job_id", true);
    m.created_at = r.time(o, "created_at", "created_at").value_or(TimePoint{});
    m.updated_at = r.time(o, "updated_at", "updated_at").value_or(m.created_at);
    const auto status = r.str(o, "status", "status", true);
    const auto st = job_status_from_string(status);
    if (!st) r.fail("status", fmt::format("unknown status '{}'", status));
    m.status = *st;
    m.source = r.str(o, "source", "source");
    if (const auto* h = r.find(o, "host")) {
        const auto& ho = r.object(*h, "host");
        m.host.hostname = r.str(ho, "hostname", "host.hostname");
        m.host.username = r.str(ho, "username", "host.username");
        m.host.port = static_cast<int>(r.integer(ho, "port", "host.port", 22));
        m.host.fingerprint = r.str(ho, "fingerprint", "host.fingerprint");
    }
    if (const auto* t = r.find(o, "targets")) {
        if (!t->is_array()) r.fail("targets", "expected an array");
        std::size_t i = 0;
        for (const auto& tv : t->get_array()) {
            const auto path = fmt::format("targets[{}]", i++);
            const auto& to = r.object(tv, path);
            Target tg;
            tg.vm_name = r.str(to, "vm_name", path + ".vm_name");
            tg.world_group_id = r.integer(to, "world_group_id", path + ".world_group_id");
            tg.config_file = r.str(to, "config_file", path + ".config_file");
            if (const auto* d = r.find(to, "disks")) {
                if (!d->is_array()) r.fail(path + ".disks", "expected an array");
                std::size_t j = 0;
                for (const auto& dv : d->get_array()) {
                    const auto dp = fmt::format("{}.disks[{}]", path, j++);
                    const auto& dobj = r.object(dv, dp);
                    tg.disks.push_back({r.integer(dobj, "handle_id", dp + ".handle_id"),
                                        r.str(dobj, "label", dp + ".label")});
                }
            }
            m.targets.push_back(std::move(tg));
        }
    }
    if (const auto* p = r.find(o, "profile")) {
        const auto& po = r.object(*p, "profile");
        m.profile.name = r.str(po, "name", "profile.name");
        m.profile.samples = static_cast<std::uint64_t>(r.integer(po, "samples", "profile.samples"));
        m.profile.interval_seconds = r.number(po, "interval_seconds", "profile.interval_seconds");
    }
    if (const auto* c = r.find(o, "collection")) {
        const auto& co = r.object(*c, "collection");
        m.collection.started_at = r.time(co, "started_at", "collection.started_at");
        m.collection.completed_at = r.time(co, "completed_at", "collection.completed_at");
        m.collection.samples_collected = static_cast<std::uint64_t>(
            r.integer(co, "samples_collected", "collection.samples_collected"));
        m.collection.samples_expected = static_cast<std::uint64_t>(
            r.integer(co, "samples_expected", "collection.samples_expected"));
        m.collection.errors = r.strings(co, "errors", "collection.errors");
    }
    if (const auto* c = r.find(o, "cleanup")) {
        const auto& co = r.object(*c, "cleanup");
        m.cleanup.vscsistats_stopped =
            r.boolean(co, "vscsistats_stopped", "cleanup.vscsistats_stopped", true);
        m.cleanup.stopped_at = r.time(co, "stopped_at", "cleanup.stopped_at");
        m.cleanup.error = r.str(co, "error", "cleanup.error");
        m.cleanup.manual_commands = r.strings(co, "manual_commands", "cleanup.manual_commands");
    }
    if (const auto* t = r.find(o, "tags")) {
        for (const auto& kv : r.object(*t, "tags")) {
            if (!kv.value().is_string()) r.fail(fmt::format("tags.{}", std::string_view(kv.key())), "expected a string");
            m.tags[std::string(kv.key())] = std::string(kv.value().get_string());
        }
    }
    static const std::initializer_list<std::string_view> known = {
        "schema_version", "job_id", "created_at", "updated_at", "status", "source", "host",
        "targets", "profile", "collection", "cleanup", "tags"};
    for (const auto& kv : o) {
        bool is_known = false;
        for (auto k : known) is_known = is_known || kv.key() == k;
        if (!is_known) m.extra[kv.key()] = kv.value();
    }
    return m;
}

std::string serialize_job_meta(const JobMeta& m) { return pretty_json(to_json(m)); }

JobMeta parse_job_meta(std::string_view text, const std::string& source) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec) throw DataError(ParseError{source, 0, "", fmt::format("not valid JSON: {}", ec.message())});
    return job_meta_from_json(v, source);
}

}  // namespace vscsi
