#include "job/job_meta.hpp"

#include <fmt/core.h>

#include <boost/json.hpp>

#include "format/json_fields.hpp"
#include "format/parse_error.hpp"
#include "format/value_limits.hpp"
#include "job/json_values.hpp"
#include "util/json_text.hpp"

namespace vscsi {
namespace json = boost::json;

std::string_view to_string(JobStatus s) {
    switch (s) {
        case JobStatus::pending:
            return "pending";
        case JobStatus::running:
            return "running";
        case JobStatus::completed:
            return "completed";
        case JobStatus::stopped:
            return "stopped";
        case JobStatus::failed:
            return "failed";
    }
    return "?";
}

std::optional<JobStatus> job_status_from_string(std::string_view s) {
    for (auto st : {JobStatus::pending, JobStatus::running, JobStatus::completed,
                    JobStatus::stopped, JobStatus::failed})
        if (to_string(st) == s) return st;
    return std::nullopt;
}

std::string_view to_string(CollectionStatus s) {
    switch (s) {
        case CollectionStatus::planned:
            return "planned";
        case CollectionStatus::starting:
            return "starting";
        case CollectionStatus::running:
            return "running";
        case CollectionStatus::stopped:
            return "stopped";
        case CollectionStatus::stop_failed:
            return "stop_failed";
        case CollectionStatus::failed:
            return "failed";
        case CollectionStatus::vm_gone:
            return "vm_gone";
    }
    return "?";
}

std::optional<CollectionStatus> collection_status_from_string(std::string_view s) {
    for (auto st :
         {CollectionStatus::planned, CollectionStatus::starting, CollectionStatus::running,
          CollectionStatus::stopped, CollectionStatus::stop_failed, CollectionStatus::failed,
          CollectionStatus::vm_gone})
        if (to_string(st) == s) return st;
    return std::nullopt;
}

std::optional<TimePoint> JobMeta::planned_end() const {
    if (!plan) return std::nullopt;
    const auto start = collection.started_at.value_or(created_at);
    // A dead collector is an outage like a lost host: the same tolerance applies.
    return start + plan->interval * static_cast<long long>(plan->samples) + plan->give_up_after;
}

namespace {

json::object target_to_json(const CollectionTarget& t) {
    json::array wanted;
    for (auto h : t.wanted_handles) wanted.push_back(h);
    return {{"world_group_id", t.world_group_id},
            {"handle_id", t.handle_id ? json::value(*t.handle_id) : json::value(nullptr)},
            {"wanted_handles", std::move(wanted)}};
}

CollectionTarget target_from_json(const JsonFields& f) {
    CollectionTarget t;
    t.world_group_id = f.integer("world_group_id");
    t.handle_id = f.optional_integer("handle_id");
    t.wanted_handles = f.integers("wanted_handles");
    return t;
}

json::array records_to_json(const std::vector<CollectionRecord>& records) {
    json::array out;
    for (const auto& c : records) {
        auto o = target_to_json(c.target);
        o["state"] = to_string(c.state);
        // For people reading job.json; cleanup rebuilds commands from the numbers.
        o["start_command"] = start_command(c.target);
        o["stop_command"] = stop_command(c.target);
        o["armed_at"] = time_to_json(c.armed_at);
        o["error"] = c.error;
        if (c.found_running) o["found_running"] = true;
        out.push_back(std::move(o));
    }
    return out;
}

std::vector<CollectionRecord> records_from_json(const JsonFields& f, std::string_view key) {
    std::vector<CollectionRecord> out;
    for (const auto& c : f.objects(key)) {
        CollectionRecord r;
        r.target = target_from_json(c);
        const auto state = c.string("state", true);
        const auto st = collection_status_from_string(state);
        if (!st) c.fail("state", fmt::format("unknown collection state '{}'", state));
        r.state = *st;
        r.armed_at = read_time(c, "armed_at");
        r.error = c.string("error");
        r.found_running = c.boolean("found_running", false);
        out.push_back(std::move(r));
    }
    return out;
}

json::object plan_to_json(const ResumePlan& p) {
    json::array cols;
    for (const auto& t : p.collections) cols.push_back(target_to_json(t));
    return {{"collections", std::move(cols)},
            {"samples", p.samples},
            {"interval_ms", p.interval.count()},
            {"rearm_every_ms", p.rearm_every.count()},
            {"give_up_after_ms", p.give_up_after.count()},
            {"command_timeout_ms", p.command_timeout.count()},
            {"ssh", host::ssh_params_to_json(p.ssh, host::Secret::omit)}};
}

ResumePlan plan_from_json(const JsonFields& f) {
    ResumePlan p;
    for (const auto& c : f.objects("collections")) p.collections.push_back(target_from_json(c));
    if (p.collections.empty()) f.fail("collections", "no collection to resume");
    // The ranges a new job is checked against (job_request), in the units stored.
    auto in_range = [&](std::string_view key, const limits::NumberRange& r, double per_unit) {
        const auto v = f.integer(key);
        const limits::NumberRange stored{r.min * per_unit, r.max * per_unit, true,
                                         per_unit == 1 ? r.unit : "ms"};
        if (auto why = limits::out_of_range(static_cast<double>(v), stored)) f.fail(key, *why);
        return v;
    };
    p.samples = static_cast<std::uint64_t>(in_range("samples", limits::kSamples, 1));
    p.interval =
        std::chrono::milliseconds(in_range("interval_ms", limits::kCollectionInterval, 1000));
    p.rearm_every =
        std::chrono::milliseconds(in_range("rearm_every_ms", limits::kTimeoutSeconds, 1000));
    p.give_up_after =
        std::chrono::milliseconds(in_range("give_up_after_ms", limits::kTimeoutSeconds, 1000));
    p.command_timeout =
        std::chrono::milliseconds(in_range("command_timeout_ms", limits::kTimeoutSeconds, 1000));
    p.ssh = host::ssh_params_from_json(f.object("ssh"));
    p.ssh.password.clear();  // never from a file
    if (p.ssh.host.empty()) f.fail("ssh.host", "missing");
    return p;
}

// Version 1 kept these as loose top-level keys; version 2 has them in the schema.
constexpr std::string_view kV1Keys[] = {"gaps", "collections", "plan"};

}  // namespace

json::object to_json(const JobMeta& m) {
    json::object o = m.extra;
    for (auto k : kV1Keys) o.erase(k);
    o["schema_version"] = kJobSchemaVersion;
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
        for (const auto& d : t.disks)
            disks.push_back({{"handle_id", d.handle_id}, {"label", d.label}});
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
    o["collection"] = {{"started_at", time_to_json(m.collection.started_at)},
                       {"completed_at", time_to_json(m.collection.completed_at)},
                       {"samples_collected", m.collection.samples_collected},
                       {"samples_expected", m.collection.samples_expected},
                       {"gaps", m.collection.gaps},
                       {"errors", std::move(errors)},
                       {"vscsistats", records_to_json(m.collection.vscsistats)}};
    json::array manual;
    for (const auto& c : m.cleanup.manual_commands) manual.emplace_back(c);
    o["cleanup"] = {
        {"vscsistats_stopped", m.cleanup.vscsistats_stopped},
        {"stopped_at", time_to_json(m.cleanup.stopped_at)},
        {"error", m.cleanup.error.empty() ? json::value(nullptr) : json::value(m.cleanup.error)},
        {"manual_commands", std::move(manual)}};
    json::object tags;
    for (const auto& [k, v] : m.tags) tags[k] = v;
    o["tags"] = std::move(tags);
    if (m.import)
        o["import"] = {{"interval_source", m.import->interval_source},
                       {"interval_detail", m.import->interval_detail},
                       {"series", m.import->series},
                       {"series_source", m.import->series_source},
                       {"prints", m.import->prints}};
    if (m.vcenter) o["vcenter"] = to_json(*m.vcenter);
    if (!m.hosts.empty()) {
        json::array hosts;
        for (const auto& h : m.hosts)
            hosts.push_back({{"hostname", h.hostname},
                             {"from", format_iso8601(h.from)},
                             {"world_group_id", h.world_group_id}});
        o["hosts"] = std::move(hosts);
    }
    if (m.plan)
        o["plan"] = plan_to_json(*m.plan);
    else if (!m.plan_error.empty())
        if (const auto* raw = m.extra.if_contains("plan")) o["plan"] = *raw;  // kept as found
    return o;
}

JobMeta job_meta_from_json(const json::value& v, const std::string& source) {
    const JsonFields f(v, source, "");
    JobMeta m;
    const auto version = f.integer("schema_version", 0);
    if (version < 1) f.fail("schema_version", "missing or not a positive integer");
    if (version > kJobSchemaVersion)
        f.fail("schema_version", fmt::format("schema {} is newer than this vscsi understands ({}); "
                                             "upgrade vscsi to read this job",
                                             version, kJobSchemaVersion));
    m.schema_version = static_cast<int>(version);
    m.job_id = f.string("job_id", true);
    m.created_at = read_time(f, "created_at").value_or(TimePoint{});
    m.updated_at = read_time(f, "updated_at").value_or(m.created_at);
    m.status = read_job_status(f, "status");
    m.source = f.string("source");
    if (const auto h = f.optional_object("host")) {
        m.host.hostname = h->string("hostname");
        m.host.username = h->string("username");
        const auto port = h->integer("port", 22);
        if (port < 0 || port > 65535) h->fail("port", "not a port number");
        m.host.port = static_cast<int>(port);
        m.host.fingerprint = h->string("fingerprint");
    }
    for (const auto& t : f.objects("targets")) {
        Target tg;
        tg.vm_name = t.string("vm_name");
        tg.world_group_id = t.integer("world_group_id", 0);
        tg.config_file = t.string("config_file");
        for (const auto& d : t.objects("disks"))
            tg.disks.push_back({d.integer("handle_id", 0), d.string("label")});
        m.targets.push_back(std::move(tg));
    }
    if (const auto p = f.optional_object("profile")) {
        m.profile.name = p->string("name");
        m.profile.samples = read_count(*p, "samples");
        m.profile.interval_seconds = p->number("interval_seconds", 0);
        if (m.profile.interval_seconds != 0)
            if (auto why =
                    limits::out_of_range(m.profile.interval_seconds, limits::kImportInterval))
                p->fail("interval_seconds", *why);
    }
    if (const auto c = f.optional_object("collection")) {
        m.collection.started_at = read_time(*c, "started_at");
        m.collection.completed_at = read_time(*c, "completed_at");
        m.collection.samples_collected = read_count(*c, "samples_collected");
        m.collection.samples_expected = read_count(*c, "samples_expected");
        m.collection.errors = c->strings("errors");
        if (m.schema_version >= 2) {
            m.collection.gaps = read_count(*c, "gaps");
            m.collection.vscsistats = records_from_json(*c, "vscsistats");
        }
    }
    if (m.schema_version == 1) {
        m.collection.gaps = read_count(f, "gaps");
        m.collection.vscsistats = records_from_json(f, "collections");
    }
    if (const auto c = f.optional_object("cleanup")) {
        m.cleanup.vscsistats_stopped = c->boolean("vscsistats_stopped", true);
        m.cleanup.stopped_at = read_time(*c, "stopped_at");
        m.cleanup.error = c->string("error");
        m.cleanup.manual_commands = c->strings("manual_commands");
    }
    if (const auto t = f.optional_object("tags")) {
        for (const auto& kv : t->raw()) {
            if (!kv.value().is_string()) t->fail(kv.key(), "expected a string");
            m.tags[std::string(kv.key())] = std::string(kv.value().get_string());
        }
    }
    if (const auto i = f.optional_object("import")) {
        ImportRecord rec;
        rec.interval_source = i->string("interval_source");
        rec.interval_detail = i->string("interval_detail");
        rec.series = i->string("series");
        rec.series_source = i->string("series_source");
        rec.prints = read_count(*i, "prints");
        m.import = std::move(rec);
    }
    if (const auto vc = f.optional_object("vcenter")) m.vcenter = vcenter_link_from_json(*vc);
    for (const auto& h : f.objects("hosts"))
        m.hosts.push_back({h.string("hostname", true), read_time(h, "from").value_or(TimePoint{}),
                           h.integer("world_group_id", 0)});
    static const std::initializer_list<std::string_view> known = {
        "schema_version", "job_id", "created_at", "updated_at", "status",
        "source",         "host",   "targets",    "profile",    "collection",
        "cleanup",        "tags",   "import",     "vcenter",    "hosts"};
    for (const auto& kv : f.raw()) {
        bool is_known = false;
        for (auto k : known) is_known = is_known || kv.key() == k;
        if (!is_known) m.extra[kv.key()] = kv.value();
    }
    m.extra.erase("gaps");
    m.extra.erase("collections");
    // A damaged plan does not make the job unreadable: its samples can still
    // be analyzed; only resuming it is impossible (and says why).
    if (const auto p = f.optional_object("plan")) {
        try {
            m.plan = plan_from_json(*p);
            m.extra.erase("plan");
        } catch (const DataError& e) {
            m.plan_error = e.what();
        }
    }
    return m;
}

std::string serialize_job_meta(const JobMeta& m) {
    return pretty_json(to_json(m));
}

JobMeta parse_job_meta(std::string_view text, const std::string& source) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec)
        throw DataError(ParseError{source, 0, "", fmt::format("not valid JSON: {}", ec.message())});
    return job_meta_from_json(v, source);
}

}  // namespace vscsi
