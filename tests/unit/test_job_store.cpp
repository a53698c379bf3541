#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "analysis/job_analysis.hpp"
#include "app/csv_import.hpp"
#include "app/job_analysis.hpp"
#include "collect/collection_leases.hpp"
#include "collect/job_cleanup.hpp"
#include "fixtures.hpp"
#include "format/vscsistats_csv.hpp"
#include "job/job_dir.hpp"
#include "job/sample_file.hpp"
#include "sim/workload_model.hpp"
#include "util/file_io.hpp"

using namespace vscsi;
using Catch::Detail::Approx;

namespace {

JobMeta sample_meta() {
    JobMeta m;
    m.job_id = "sql-peak";
    m.created_at = m.updated_at = *parse_iso8601("2026-11-06T08:30:22Z");
    m.status = JobStatus::running;
    m.source = "ssh";
    m.host = {"esxi01", "root", 22, "SHA256:abc"};
    m.targets = {{"SQL, prod", 2099979, "/vmfs/a.vmx", {{8194, "scsi0:0"}, {8195, "scsi0:1"}}}};
    m.profile = {"standard", 30, 60};
    m.collection.started_at = m.created_at;
    m.collection.samples_collected = 18;
    m.collection.samples_expected = 30;
    m.collection.errors = {"connection lost at 08:40"};
    m.tags = {{"env", "prod"}};
    return m;
}

std::vector<std::filesystem::path> write_real_copies(const std::filesystem::path& dir, int n) {
    std::vector<std::filesystem::path> files;
    for (int i = 0; i < n; ++i) {
        files.push_back(dir / ("s" + std::to_string(i) + ".csv"));
        test::write_text(files.back(), test::real_sample());
    }
    return files;
}

}  // namespace

TEST_CASE("job.json round-trips and keeps fields from newer versions", "[job]") {
    auto m = sample_meta();
    m.extra["future_field"] = "kept";
    const auto text = serialize_job_meta(m);
    CHECK_THAT(text, Catch::Contains("\"schema_version\": 2"));
    const auto back = parse_job_meta(text, "job.json");
    CHECK(serialize_job_meta(back) == text);
    CHECK(back.targets[0].disks[1].label == "scsi0:1");
    CHECK(back.extra.at("future_field").as_string() == "kept");
    CHECK(back.collection.errors.at(0) == "connection lost at 08:40");
}

TEST_CASE("a job that follows its VM keeps its vCenter (no password) and its hosts", "[job]") {
    auto m = sample_meta();
    m.vcenter = VcenterLink{
        "vc01", 443, "/sdk", "ro@vsphere.local", "/home/u/.vc-pw", "", "/etc/ssl/vc-ca.pem", false};
    m.hosts = {{"esx01", *parse_iso8601("2026-11-06T08:30:22Z"), 2099979},
               {"esx02", *parse_iso8601("2026-11-06T09:12:03Z"), 3100021}};
    const auto text = serialize_job_meta(m);
    CHECK(text.find("password\"") == std::string::npos);  // only password_file, a path
    const auto back = parse_job_meta(text, "job.json");
    CHECK(serialize_job_meta(back) == text);
    REQUIRE(back.vcenter);
    CHECK(back.vcenter->ca_file == "/etc/ssl/vc-ca.pem");
    CHECK(back.vcenter->password_file == "/home/u/.vc-pw");
    REQUIRE(back.hosts.size() == 2);
    CHECK(back.hosts[1].hostname == "esx02");
    CHECK(back.hosts[1].world_group_id == 3100021);
    CHECK(back.extra.empty());  // known fields, not kept as unknown ones
    auto bad = text;
    bad.replace(bad.find("\"port\": 443"), 11, "\"port\": 0");
    CHECK_THROWS_WITH(parse_job_meta(bad, "job.json"), Catch::Contains("vcenter.port"));
}

TEST_CASE("bad job.json names the file and the field", "[job]") {
    auto text = serialize_job_meta(sample_meta());
    SECTION("newer schema") {
        auto t = text;
        t.replace(t.find("\"schema_version\": 2"), 19, "\"schema_version\": 9");
        CHECK_THROWS_WITH(parse_job_meta(t, "/x/job.json"),
                          Catch::Contains("/x/job.json: schema_version: schema 9 is newer") &&
                              Catch::Contains("upgrade vscsi"));
    }
    SECTION("wrong type") {
        auto t = text;
        t.replace(t.find("\"samples\": 30"), 13, "\"samples\": \"x\"");
        CHECK_THROWS_WITH(parse_job_meta(t, "job.json"), Catch::Contains("profile.samples"));
    }
    SECTION("not JSON") {
        CHECK_THROWS_WITH(parse_job_meta("{", "job.json"), Catch::Contains("not valid JSON"));
    }
    SECTION("bad time") {
        auto t = text;
        t.replace(t.find("2026-11-06T08:30:22Z"), 20, "yesterday");
        CHECK_THROWS_WITH(parse_job_meta(t, "job.json"),
                          Catch::Contains("created_at") && Catch::Contains("ISO 8601"));
    }
}

TEST_CASE("samples are written whole and read back with their interval", "[job]") {
    test::ScratchDir tmp;
    const JobDir dir(tmp.path() / "job");
    REQUIRE_FALSE(dir.create_layout());
    const auto data = parse_vscsistats_csv_or_throw(test::real_sample());
    SampleHeader h{7,
                   *parse_iso8601("2026-01-01T00:00:00Z"),
                   *parse_iso8601("2026-01-01T00:01:00Z"),
                   "esxi01",
                   true,
                   {}};
    REQUIRE_FALSE(dir.write_sample(h, data));
    CHECK(dir.max_sample_seq() == 7);
    // no temp files left beside the sample
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.samples_dir()))
        files += e.is_regular_file();
    CHECK(files == 1);
    SampleCursor cur(dir);
    Sample s;
    REQUIRE(cur.next(s).value());
    CHECK(s.header.seq == 7);
    CHECK(s.header.seconds() == Approx(60));
    CHECK(s.header.after_gap);
    CHECK(s.data.disks.at(0).find(Metric::io_length, Direction::total)->count == 793);
    CHECK_FALSE(cur.next(s).value());
}

TEST_CASE("a corrupt sample is reported with file and line, and the rest is analyzed", "[job]") {
    test::ScratchDir tmp;
    ImportOptions o;
    o.files = write_real_copies(tmp.path(), 3);
    o.interval_seconds = 60;
    o.series = PrintSeries::reset;  // identical prints would read as cumulative (idle between)
    o.name = "three";
    o.data_dir = tmp.path() / "data";
    const auto r = import_csv_files(o).value();
    REQUIRE(r.samples == 3);
    const JobDir dir(r.dir);
    // Damage sample 2 on disk (as a failing disk or a careless edit would).
    auto text = test::read_text(dir.sample_path(2));
    text.replace(text.find("count,793"), 9, "count,7x3");
    test::write_text(dir.sample_path(2), text);
    const auto meta = dir.load_meta();
    const auto res = app::analyze_job(dir, meta, {{FilterMethod::none, std::nullopt}});
    CHECK(res.samples_total == 2);
    CHECK(res.samples_unreadable == 1);
    CHECK(res.total.ios_total == 2 * 793);
    REQUIRE(res.warnings.size() >= 2);
    CHECK_THAT(res.warnings[1], Catch::Contains("sample-000002.csv:10: count:"));

    // Damage at the end of sample 3 (its last histogram): samples are read a
    // run of histograms at a time, and none of what came before counts.
    auto last = test::read_text(dir.sample_path(3));
    const auto at = last.rfind("count,");
    last.replace(at, 6, "count,x");
    test::write_text(dir.sample_path(3), last);
    const auto again = app::analyze_job(dir, meta, {{FilterMethod::none, std::nullopt}});
    CHECK(again.samples_total == 1);
    CHECK(again.samples_unreadable == 2);
    CHECK(again.total.ios_total == 793);
    CHECK(again.disks.at(0).metrics.ios_total == 793);
}

TEST_CASE("a sample read in pieces: the header is found however the bytes arrive", "[job]") {
    const std::string header = "# vscsi-sample: 1\n# seq: 4\n# start: 2026-01-01T00:00:00Z\n";
    const std::string whole = header + "# end: 2026-01-01T00:01:00Z\nHistogram: x\n";
    CHECK(sample_body_start(whole, false) == whole.find("Histogram"));
    CHECK(sample_body_start(header + "# end: 2026", false) == std::nullopt);  // line arriving
    CHECK(sample_body_start(header, false) == std::nullopt);                  // the body may follow
    CHECK(sample_body_start(header, true) == header.size());  // it does not: no histograms
    SampleHeader h;
    std::size_t body_line = 0;
    REQUIRE(decode_sample_header(std::string_view(whole).substr(0, *sample_body_start(whole, true)),
                                 "s.csv", h, body_line));
    CHECK(h.seq == 4);
    CHECK(body_line == 5);
}

TEST_CASE("import refuses a bad file and leaves nothing behind", "[job][import]") {
    test::ScratchDir tmp;
    auto files = write_real_copies(tmp.path(), 2);
    auto bad = test::real_sample();
    bad.resize(bad.size() / 2);  // truncated mid-file
    test::write_text(files[1], bad);
    ImportOptions o;
    o.files = files;
    o.interval_seconds = 60;
    o.name = "broken";
    o.data_dir = tmp.path() / "data";
    const auto broken = import_csv_files(o);
    REQUIRE_FALSE(broken.has_value());
    CHECK(broken.error().kind == ErrorKind::bad_data);
    CHECK_THAT(broken.error().message(),
               Catch::Contains(files[1].string() + ":") && Catch::Contains("truncated"));
    CHECK_FALSE(std::filesystem::exists(o.data_dir / "jobs" / "broken"));
    std::size_t entries = 0;
    if (std::filesystem::exists(o.data_dir / "jobs"))
        for ([[maybe_unused]] const auto& e :
             std::filesystem::directory_iterator(o.data_dir / "jobs"))
            ++entries;
    CHECK(entries == 0);
}

TEST_CASE("import never overwrites an existing job", "[job][import]") {
    test::ScratchDir tmp;
    ImportOptions o;
    o.files = write_real_copies(tmp.path(), 1);
    o.interval_seconds = 60;
    o.name = "once";
    o.data_dir = tmp.path() / "data";
    REQUIRE(import_csv_files(o).has_value());
    const auto before = test::read_text(o.data_dir / "jobs/once/job.json");
    CHECK_THROWS_WITH(import_csv_files(o).value(), Catch::Contains("already exists"));
    CHECK(test::read_text(o.data_dir / "jobs/once/job.json") == before);
    o.name = "../escape";
    const auto escape = import_csv_files(o);
    REQUIRE_FALSE(escape.has_value());
    CHECK(escape.error().kind == ErrorKind::usage);
}

TEST_CASE("cumulative import takes differences between successive prints", "[job][import]") {
    test::ScratchDir tmp;
    WorkloadModel m;
    m.iops = 100;
    const DiskId id{5, 6, "scsi0:0"};
    VscsiStatsOutput a, b;
    a.disks.push_back(synthesize_interval(m, id, 60, 1));
    b = a;  // second print: counters doubled
    for (auto& h : b.disks[0].slots) {
        for (auto& f : h.frequencies) f *= 2;
        h.count *= 2;
    }
    test::write_text(tmp.path() / "p1.csv", format_vscsistats_csv(a));
    test::write_text(tmp.path() / "p2.csv", format_vscsistats_csv(b));
    ImportOptions o;
    o.files = {tmp.path() / "p1.csv", tmp.path() / "p2.csv"};
    o.interval_seconds = 60;
    o.series = PrintSeries::cumulative;
    o.name = "cum";
    o.start = *parse_iso8601("2026-03-01T10:00:00Z");
    o.data_dir = tmp.path() / "data";
    const auto r = import_csv_files(o).value();
    const JobDir dir(r.dir);
    SampleCursor cur(dir);
    Sample s;
    REQUIRE(cur.next(s).value());
    // The first print's counters run from -s: its span is what its
    // interarrival histograms say (59.9 s of 60 here), not --interval.
    const auto first_end = s.header.end;
    CHECK(s.header.seconds() == Approx(60).margin(0.5));
    CHECK(s.header.seconds() != 60);
    REQUIRE(cur.next(s).value());
    CHECK(s.data.disks[0].slots[0].count == a.disks[0].slots[0].count);
    CHECK(s.header.start == first_end);
    CHECK(s.header.seconds() == Approx(60));
    CHECK(std::filesystem::exists(dir.raw_dir() / "0002-p2.csv"));
}

TEST_CASE("analysis warns on an incomplete job and memory-light streaming gives exact totals",
          "[job]") {
    test::ScratchDir tmp;
    const JobDir dir(tmp.path() / "partial");
    REQUIRE_FALSE(dir.create_layout());
    auto meta = sample_meta();
    REQUIRE_FALSE(dir.save_meta(meta));
    WorkloadModel busy, idle;
    busy.iops = 1000;
    idle.iops = 5;
    const auto t0 = *parse_iso8601("2026-01-01T00:00:00Z");
    for (std::uint64_t i = 1; i <= 18; ++i) {
        VscsiStatsOutput o;
        o.disks.push_back(
            synthesize_interval(i % 3 == 0 ? idle : busy, {2099979, 8194, "scsi0:0"}, 60, i));
        SampleHeader h{i, t0 + std::chrono::minutes(i - 1), t0 + std::chrono::minutes(i), "", false,
                       {}};
        REQUIRE_FALSE(dir.write_sample(h, o));
    }
    const auto r = app::analyze_job(dir, meta, {{FilterMethod::automatic, std::nullopt}});
    CHECK(r.samples_total == 18);
    CHECK(r.samples_analyzed == 12);
    CHECK(r.total.iops.total == Approx(1000).epsilon(0.01));
    REQUIRE_FALSE(r.warnings.empty());
    CHECK_THAT(r.warnings[0], Catch::Contains("running with 18 of 30 samples"));
    CHECK(r.disks.at(0).vm_name == "SQL, prod");
}

TEST_CASE("the resume plan round-trips through job.json without the password", "[job][plan]") {
    ResumePlan p;
    p.collections = {{1048576, std::nullopt, {8194, 8195}}, {1048780, 8210, {}}};
    p.samples = 30;
    p.interval = std::chrono::milliseconds(60'000);
    p.rearm_every = std::chrono::milliseconds(1'200'000);
    p.give_up_after = std::chrono::milliseconds(3'600'000);
    p.command_timeout = std::chrono::milliseconds(90'000);
    p.ssh.host = "esxi01";
    p.ssh.user = "root";
    p.ssh.port = 2222;
    p.ssh.key_files = {"/home/u/.ssh/id_ed25519"};
    p.ssh.password = "s3cret-pass";
    p.ssh.password_file = "/home/u/.esxi-password";
    p.ssh.accept_new_host_key = true;
    JobMeta m;
    m.job_id = "j";
    m.host.hostname = "esxi01";
    m.plan = p;
    m.collection.gaps = 3;
    m.collection.vscsistats = {
        {{1048576, std::nullopt, {}}, CollectionStatus::running, std::nullopt, ""},
        {{1048780, 8210, {}}, CollectionStatus::stop_failed, std::nullopt, "timeout"}};
    const auto text = serialize_job_meta(m);
    CHECK(text.find("s3cret-pass") == std::string::npos);
    CHECK_THAT(text, Catch::Contains("\"schema_version\": 2"));
    const auto back_meta = parse_job_meta(text, "job.json");
    REQUIRE(back_meta.plan);
    const auto& back = *back_meta.plan;
    REQUIRE(back.collections.size() == 2);
    CHECK(back.collections[0].wanted_handles == std::vector<std::int64_t>{8194, 8195});
    CHECK(*back.collections[1].handle_id == 8210);
    CHECK(back.samples == 30);
    CHECK(back.interval.count() == 60'000);
    CHECK(back.command_timeout.count() == 90'000);
    CHECK(back.ssh.port == 2222);
    CHECK(back.ssh.user == "root");
    CHECK(back.ssh.key_files == p.ssh.key_files);
    CHECK(back.ssh.accept_new_host_key);
    CHECK(back.ssh.password.empty());
    CHECK(back.ssh.password_file ==
          "/home/u/.esxi-password");  // re-read on resume; the secret stays in the file
    CHECK(back_meta.collection.gaps == 3);
    REQUIRE(back_meta.collection.vscsistats.size() == 2);
    CHECK(back_meta.collection.vscsistats[1].state == CollectionStatus::stop_failed);
    CHECK(back_meta.collection.vscsistats[1].error == "timeout");
    CHECK(collect::collections_not_stopped(back_meta).size() == 2);
    CHECK(back_meta.planned_end() ==
          back_meta.created_at + std::chrono::milliseconds(30 * 60'000 + 3'600'000));

    // A damaged plan: the job stays readable (its samples can be analyzed), resuming says why.
    auto damaged = text;
    damaged.replace(damaged.find("\"interval_ms\": 60000"), 20, "\"interval_ms\": \"soon\"");
    const auto bad = parse_job_meta(damaged, "/data/jobs/j/job.json");
    CHECK_FALSE(bad.plan);
    CHECK_THAT(bad.plan_error,
               Catch::Contains("/data/jobs/j/job.json") && Catch::Contains("plan.interval_ms"));
    CHECK_THAT(serialize_job_meta(bad), Catch::Contains("\"soon\""));  // kept as found

    // Numbers beyond their range never reach arithmetic (issue 14).
    auto huge = text;
    huge.replace(huge.find("\"interval_ms\": 60000"), 20, "\"interval_ms\": 9e18");
    CHECK_THAT(parse_job_meta(huge, "job.json").plan_error,
               Catch::Contains("plan.interval_ms") && Catch::Contains("out of range"));
    auto many = text;
    many.replace(many.find("\"samples\": 30,"), 14, "\"samples\": 1e30,");
    const auto m2 = parse_job_meta(many, "job.json");
    CHECK_THAT(m2.plan_error, Catch::Contains("plan.samples") && Catch::Contains("64-bit range"));
}

TEST_CASE("a schema-1 job written by the previous release reads into the typed fields",
          "[job][plan]") {
    const JobDir dir(std::filesystem::path(test::fixtures_dir()) / "schema1-job");
    const auto meta = dir.load_meta();
    CHECK(meta.schema_version == 1);
    CHECK(meta.status == JobStatus::running);
    CHECK(meta.collection.gaps == 0);
    CHECK(meta.collection.samples_collected == 3);
    REQUIRE(meta.collection.vscsistats.size() == 1);
    CHECK(meta.collection.vscsistats[0].target.world_group_id == 1048576);
    CHECK(*meta.collection.vscsistats[0].target.handle_id == 8194);
    CHECK(meta.collection.vscsistats[0].state == CollectionStatus::running);
    REQUIRE(meta.plan);
    CHECK(meta.plan->samples == 50);
    CHECK(meta.plan->interval.count() == 1000);
    CHECK(meta.plan->ssh.host == "sim:demo");
    CHECK(meta.plan->ssh.connect_timeout.count() == 15000);
    CHECK(meta.extra.empty());  // nothing left over as loose keys
    // Written back, it is a schema-2 job with the same content.
    const auto again = parse_job_meta(serialize_job_meta(meta), "job.json");
    CHECK(again.schema_version == 2);
    CHECK(again.collection.gaps == 0);
    CHECK(again.collection.vscsistats.size() == 1);
    CHECK(again.plan->samples == 50);
    CHECK(dir.max_sample_seq() == 3);
}

TEST_CASE("fuzz findings: a damaged plan with huge doubles stays readable across rewrites",
          "[job][fuzz]") {
    // fuzz/run.sh found them: Boost.JSON 1.81 parses 1.1111111111111111e+110 (or
    // 8.194332999999999e+74) one unit in the last place off, so the plan kept as found
    // may change its last digit at a rewrite; everything else comes back exactly.
    for (const char* name :
         {"job_meta-plan-huge-double.json", "job_meta-plan-handle-double.json"}) {
        INFO(name);
        const auto text =
            test::read_text(std::filesystem::path(test::fixtures_dir()) / "fuzz" / name);
        const auto meta = parse_job_meta(text, "job.json");
        CHECK_FALSE(meta.plan);
        CHECK_FALSE(meta.plan_error.empty());
        const auto again = parse_job_meta(serialize_job_meta(meta), "job.json");
        CHECK_FALSE(again.plan);
        CHECK(again.plan_error == meta.plan_error);
        CHECK(again.job_id == meta.job_id);
        CHECK(again.status == meta.status);
    }
}

TEST_CASE("unique run folders: one name per caller, -2, -3 when taken", "[job]") {
    test::ScratchDir tmp;
    std::set<std::filesystem::path> made;
    for (int i = 0; i < 4; ++i) {
        std::filesystem::path p;
        REQUIRE_FALSE(create_unique_directory(tmp.path() / "validation", "20261130-171320", p));
        CHECK(std::filesystem::is_directory(p));
        made.insert(p);
    }
    CHECK(made.size() == 4);
    CHECK(made.count(tmp.path() / "validation" / "20261130-171320-4") == 1);
}

TEST_CASE("collection leases: the last job of a VM stops it, ended jobs hold nothing", "[lease]") {
    test::ScratchDir tmp;
    const auto data = tmp.path();
    auto job_with = [&](const std::string& id, JobStatus status) {
        JobDir dir(jobs_dir(data) / id);
        std::filesystem::create_directories(dir.root());
        JobMeta m;
        m.job_id = id;
        m.status = status;
        REQUIRE_FALSE(dir.save_meta(m));
    };
    const collect::CollectionLeases leases(data, "esx1.lab");
    const CollectionTarget vm{1048576, std::nullopt, {}};
    const CollectionTarget disk{1048576, 8194, {}};
    const CollectionTarget other_disk{1048576, 8195, {}};
    job_with("wide", JobStatus::running);
    job_with("d1", JobStatus::running);
    job_with("d2", JobStatus::running);
    leases.take(vm, "wide");
    leases.take(disk, "d1");
    leases.take(other_disk, "d2");
    // A handle's stop would end the VM-wide job's view of it.
    CHECK(leases.release(disk, "d1").others == std::vector<std::string>{"wide"});
    // The VM-wide stop would end d2's handle: left running, and marked.
    CHECK(leases.release(vm, "wide").others == std::vector<std::string>{"d2"});
    // d2 is the last: it stops the whole VM (the VM-wide collection's other handles too).
    const auto last = leases.release(other_disk, "d2");
    CHECK(last.others.empty());
    CHECK(last.whole_vm);
    // A lease whose job has ended (or is gone) is stale.
    job_with("crashed", JobStatus::stopped);
    leases.take(disk, "crashed");
    leases.take(disk, "vanished");
    job_with("mine", JobStatus::running);
    leases.take(disk, "mine");
    CHECK(leases.release(disk, "mine").others.empty());
}
