// vscsi vcenter survey end to end against govmomi's real simulator (vcsim,
// tests/vcsim) with injected virtualDisk series, over HTTPS on loopback.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <set>

#include "vcsim_fixture.hpp"

using namespace vscsi::test;
namespace json = boost::json;

namespace {

// Two VMs with series of their own; the other two keep vcsim's stock data.
// DC0_H0_VM0 writes 50, 0, 70: vcsim drops the zero from the series it sends.
const std::string kMetrics = R"({
 "DC0_H0_VM0": {"scsi0:0": {
   "virtualDisk.numberReadAveraged": [100, 120, 140], "virtualDisk.numberWriteAveraged": [50, 0, 70],
   "virtualDisk.read": [800, 960, 1120], "virtualDisk.write": [400, 0, 560],
   "virtualDisk.readIOSize": [8192, 8192, 8192], "virtualDisk.writeIOSize": [8192, 8192, 8192],
   "virtualDisk.readLatencyUS": [500, 700, 600], "virtualDisk.writeLatencyUS": [900, 0, 1100],
   "virtualDisk.readOIO": [2, 3, 4], "virtualDisk.writeOIO": [1, 0, 1],
   "virtualDisk.smallSeeks": [60, 60, 60], "virtualDisk.mediumSeeks": [20, 20, 20], "virtualDisk.largeSeeks": [20, 20, 20]}},
 "DC0_C0_RP0_VM1": {"scsi0:0": {
   "virtualDisk.numberReadAveraged": [10, 10, 10], "virtualDisk.numberWriteAveraged": [300, 300, 300],
   "virtualDisk.read": [40, 40, 40], "virtualDisk.write": [19200, 19200, 19200],
   "virtualDisk.totalReadLatency": [2, 2, 2], "virtualDisk.totalWriteLatency": [5, 5, 5]}}
})";

struct Survey {
    ScratchDir tmp;
    std::string vc_args(const VcsimFixture& vc, const std::string& trust) const {
        return "env VSCSI_VC_PASSWORD=" + VcsimFixture::password() + " " + vscsi_bin() +
               " vcenter survey " + vc.address() + " --vc-user " + VcsimFixture::user() + " " +
               trust;
    }
    ProcessResult run_survey(const VcsimFixture& vc, const std::string& trust,
                             const std::string& more = "") const {
        auto r = run(vc_args(vc, trust) + " " + more);
        // The password goes by environment only; nothing prints it.
        CHECK(r.out.find(VcsimFixture::password()) == std::string::npos);
        CHECK(r.err.find(VcsimFixture::password()) == std::string::npos);
        return r;
    }
    json::object survey_json(const VcsimFixture& vc, const std::string& trust,
                             const std::string& more = "") const {
        const auto r = run_survey(vc, trust, "--json " + more);
        INFO(r.out << r.err << vc.log());
        REQUIRE(r.exit_code == 0);
        return json::parse(r.out).as_object();
    }
};

const json::object& disk(const json::object& survey, const std::string& vm,
                         const std::string& instance = "scsi0:0") {
    for (const auto& d : survey.at("disks").as_array())
        if (d.at("vm").as_string() == vm && d.at("disk").as_string() == instance)
            return d.as_object();
    FAIL("no disk " << instance << " of " << vm << " in " << json::serialize(survey));
    throw;
}

double num(const json::object& o, const char* k) {
    return o.at(k).to_number<double>();
}

std::string thumbprint_of(const std::filesystem::path& pem) {
    auto r = run("openssl x509 -in " + shell_quote(pem) + " -noout -fingerprint -sha256");
    REQUIRE(r.exit_code == 0);
    return r.out.substr(r.out.find('=') + 1, 95);
}

}  // namespace

TEST_CASE("survey: every simulated VM's disks with the injected figures, ranked, with one-liners",
          "[vcenter]") {
    Survey s;
    make_certificates(s.tmp.path());
    const auto certs = "-cert " + shell_quote(s.tmp.path() / "server.pem") + " -key " +
                       shell_quote(s.tmp.path() / "server.key");
    VcsimFixture vc(s.tmp.path(), kMetrics, certs);
    const auto trust = "--ca-file " + shell_quote(s.tmp.path() / "ca.pem");

    const auto out = s.survey_json(vc, trust);
    CHECK(out.at("vms_in_inventory").as_int64() == 4);
    CHECK(out.at("vms_queried").as_int64() == 4);
    CHECK(out.at("missing_counters").as_array().empty());
    const auto& disks = out.at("disks").as_array();
    REQUIRE(disks.size() >= 4);

    // Busiest first: 310 IOPS, then 160.
    const auto& top = disks[0].as_object();
    CHECK(top.at("vm").as_string() == "DC0_C0_RP0_VM1");
    CHECK(top.at("host").as_string() == "DC0_C0_H0");
    CHECK(top.at("cluster").as_string() == "DC0_C0");
    CHECK(num(top, "write_iops") == Approx(300));
    CHECK(num(top, "write_mbps") == Approx(19200 * 1024 / 1e6));
    CHECK(num(top, "write_io_bytes") == Approx(65536));
    CHECK(num(top, "read_io_bytes") == Approx(4096));
    CHECK(num(top, "write_latency_ms") == Approx(5));  // totalWriteLatency: no µs counter sent
    CHECK(num(top, "peak_iops") == Approx(310));
    // The one-liner reaches the vCenter as the survey did: user and trust, never the password.
    const auto vc_args = vc.address() + " --vc-user " + VcsimFixture::user() + " --ca-file " +
                         (s.tmp.path() / "ca.pem").string();
    CHECK(top.at("job_start").as_string() ==
          "vscsi job start --vcenter " + vc_args +
              " --vm DC0_C0_RP0_VM1 --disk scsi0:0 --profile standard");
    CHECK(out.at("disks_without_series").as_int64() ==
          2);  // stock VMs: their "*" rows stand for them

    const auto& vm0 = disk(out, "DC0_H0_VM0");
    CHECK(disks[1].as_object().at("vm").as_string() == "DC0_H0_VM0");
    CHECK(vm0.at("samples").as_int64() == 3);
    CHECK(vm0.at("interval_s").as_int64() == 20);
    CHECK(num(vm0, "read_iops") == Approx(120));
    CHECK(num(vm0, "write_iops") == Approx(40));  // the dropped zero counted as the zero it was
    CHECK(num(vm0, "read_mbps") == Approx(960 * 1024 / 1e6));
    CHECK(num(vm0, "read_io_bytes") == Approx(8192));
    CHECK(num(vm0, "write_io_bytes") == Approx(8192));
    CHECK(num(vm0, "read_oio") == Approx(3));
    CHECK(num(vm0, "write_oio") == Approx(2.0 / 3));
    CHECK(num(vm0, "read_latency_ms") == Approx(0.6));
    CHECK(num(vm0, "write_latency_ms") == Approx(1.0));  // samples with IO only
    CHECK(num(vm0, "random_pct_estimate") == Approx(40));
    CHECK(vm0.at("peak_iops")
              .is_null());  // a write series shorter than the samples cannot be aligned
    CHECK(vm0.at("file").as_string() == "[LocalDS_0] DC0_H0_VM0/disk1.vmdk");
    // A stock VM: vcsim's aggregate series, kept as a row of its own.
    CHECK(num(disk(out, "DC0_H0_VM1", "*"), "write_mbps") > 0);

    SECTION("the table and CSV") {
        const auto text = s.run_survey(vc, trust);
        INFO(text.err);
        REQUIRE(text.exit_code == 0);
        CHECK_THAT(text.out, Catch::Contains("IOPS r/w"));
        CHECK_THAT(text.out, Catch::Contains("120.0/40.0"));
        CHECK_THAT(text.out, Catch::Contains("RAND %: an estimate"));
        CHECK_THAT(
            text.out,
            Catch::Contains(
                "  vscsi job start --vcenter " + vc_args +
                " --vm DC0_C0_RP0_VM1 --disk scsi0:0 --profile standard    # on DC0_C0_H0 now"));
        const auto csv = s.run_survey(vc, trust, "--csv");
        REQUIRE(csv.exit_code == 0);
        CHECK(csv.out.starts_with("rank,vm,disk,host,cluster,folder,file,capacity_kb,samples"));
        CHECK_THAT(csv.out, Catch::Contains("\n2,DC0_H0_VM0,scsi0:0,DC0_H0,,vm,[LocalDS_0] "
                                            "DC0_H0_VM0/disk1.vmdk,1024,3,20,120,40,"));
    }
    SECTION("patterns on VM, cluster and folder") {
        const auto cluster = s.survey_json(vc, trust, "--cluster 'dc0_c0'");
        CHECK(cluster.at("vms_matched").as_int64() == 2);
        for (const auto& d : cluster.at("disks").as_array())
            CHECK(d.at("cluster").as_string() == "DC0_C0");
        CHECK(s.survey_json(vc, trust, "--vm 'DC0_H0_*'").at("vms_matched").as_int64() == 2);
        CHECK(s.survey_json(vc, trust, "--folder vm --vm '*VM1'").at("vms_matched").as_int64() ==
              2);
        const auto none = s.run_survey(vc, trust, "--vm 'nope*'");
        CHECK(none.exit_code == 3);
        CHECK_THAT(none.err, Catch::Contains("no VM matches (of 4 VMs)"));
    }
}

TEST_CASE("certificates: unknown refused with its thumbprint, pinned accepted, changed refused",
          "[vcenter]") {
    Survey s;
    make_certificates(s.tmp.path());
    VcsimFixture vc(s.tmp.path(), kMetrics,
                    "-cert " + shell_quote(s.tmp.path() / "server.pem") + " -key " +
                        shell_quote(s.tmp.path() / "server.key"));
    const auto tp = thumbprint_of(s.tmp.path() / "server.pem");

    const auto refused = s.run_survey(vc, "");
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Catch::Contains("certificate not trusted"));
    CHECK_THAT(refused.err, Catch::Contains("its SHA-256 thumbprint is " + tp));
    CHECK_THAT(refused.err, Catch::Contains("--thumbprint " + tp));

    CHECK(s.survey_json(vc, "--thumbprint " + tp).at("vms_queried").as_int64() == 4);
    std::string lower;
    for (char c : tp)
        if (c != ':') lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(s.survey_json(vc, "--thumbprint " + lower).at("vms_queried").as_int64() == 4);

    const auto other = std::string(tp).replace(0, 2, tp.substr(0, 2) == "00" ? "11" : "00");
    const auto changed = s.run_survey(vc, "--thumbprint " + other);
    CHECK(changed.exit_code == 1);
    CHECK_THAT(changed.err, Catch::Contains("thumbprint is " + tp + ", not the pinned " + other));

    CHECK(s.survey_json(vc, "--insecure").at("vms_queried").as_int64() == 4);
    const auto both = s.run_survey(vc, "--insecure --thumbprint " + tp);
    CHECK(both.exit_code == 2);
    const auto bad = s.run_survey(vc, "--thumbprint AB:CD");
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("not a SHA-256 thumbprint"));
}

TEST_CASE("login failure and unreachable servers say what to do; the password is never shown",
          "[vcenter]") {
    Survey s;
    VcsimFixture vc(s.tmp.path(), kMetrics);
    const auto wrong =
        run("env VSCSI_VC_PASSWORD=Wrong-secret-42 " + vscsi_bin() + " vcenter survey " +
            vc.address() + " --vc-user " + VcsimFixture::user() + " --insecure");
    CHECK(wrong.exit_code == 1);
    CHECK_THAT(wrong.err, Catch::Contains("login failed for user 'svc-vscsi'"));
    CHECK_THAT(wrong.err, Catch::Contains("--vc-password-file"));
    CHECK(wrong.err.find("Wrong-secret-42") == std::string::npos);

    const auto file = s.tmp.path() / "vc-password";
    write_text(file, VcsimFixture::password() + "\n");
    const auto from_file =
        run(vscsi_bin() + " --json vcenter survey " + vc.address() + " --vc-user " +
            VcsimFixture::user() + " --insecure --vc-password-file " + shell_quote(file));
    INFO(from_file.err);
    CHECK(from_file.exit_code == 0);

    const auto no_password = run("env -u VSCSI_VC_PASSWORD " + vscsi_bin() + " vcenter survey " +
                                 vc.address() + " --vc-user x --insecure");
    CHECK(no_password.exit_code == 2);
    CHECK_THAT(no_password.err, Catch::Contains("no password"));
    const auto in_url =
        run(vscsi_bin() + " vcenter survey https://u:p@" + vc.address() + " --insecure");
    CHECK(in_url.exit_code == 2);
    CHECK_THAT(in_url.err, Catch::Contains("not in the address"));

    const auto closed =
        run("env VSCSI_VC_PASSWORD=x " + vscsi_bin() +
            " vcenter survey 127.0.0.1:" + std::to_string(free_port()) + " --vc-user x --insecure");
    CHECK(closed.exit_code == 1);
    CHECK_THAT(closed.err, Catch::Contains("connect failed"));
}

TEST_CASE("500 VMs: paged inventory, batched performance queries, every disk listed", "[vcenter]") {
    Survey s;
    // -vm 250: 250 VMs on the standalone host and 250 in the cluster; pages of 40 objects.
    VcsimFixture vc(s.tmp.path(), kMetrics, "-vm 250 -page 40");
    const auto out = s.survey_json(vc, "--insecure");
    CHECK(out.at("vms_in_inventory").as_int64() == 500);
    CHECK(out.at("vms_queried").as_int64() == 500);
    std::set<std::string> vms;
    for (const auto& d : out.at("disks").as_array())
        vms.insert(std::string(d.at("vm").as_string()));
    CHECK(vms.size() == 500);
    // Login, content, view, ceil(513 / 40) = 13 pages, destroy, counters, ceil(500 / 64) = 8
    // QueryPerf, logout.
    const auto calls = out.at("calls").as_int64();
    CHECK(calls >= 13 + 8);
    CHECK(calls <= 30);
    CHECK(num(disk(out, "DC0_H0_VM0"), "read_iops") == Approx(120));
}

TEST_CASE("a session that expires is logged in again; replies that are not vSphere's are named",
          "[vcenter]") {
    Survey s;
    make_certificates(s.tmp.path());
    const auto fx = fixtures_dir() / "vsphere";
    const auto port = free_port();
    const auto log = s.tmp.path() / "requests.log";
    auto serve = [&](const std::vector<std::string>& script) {
        std::string cmd = "python3 " +
                          shell_quote(std::filesystem::path(std::getenv("VSCSI_TEST_SCRIPTS")) /
                                      "scripted_sdk_server.py") +
                          " " + std::to_string(port) + " " +
                          shell_quote(s.tmp.path() / "server.pem") + " " +
                          shell_quote(s.tmp.path() / "server.key") + " " + shell_quote(log);
        for (const auto& step : script) cmd += " " + step;
        std::filesystem::remove(log);
        auto bg = std::make_unique<Background>(cmd, s.tmp.path() / "server.out");
        const auto out = s.tmp.path() / "server.out";
        eventually(
            [&] {
                return std::filesystem::exists(out) &&
                       read_text(out).find("ready") != std::string::npos;
            },
            "the scripted server");
        return bg;
    };
    auto step = [&](int status, const char* file) {
        return std::to_string(status) + ":" + (fx / file).string();
    };
    const auto survey = "env VSCSI_VC_PASSWORD=pw " + vscsi_bin() +
                        " vcenter survey 127.0.0.1:" + std::to_string(port) +
                        " --vc-user admin --ca-file " + shell_quote(s.tmp.path() / "ca.pem");
    SECTION("NotAuthenticated mid-survey: Login again, the call repeated once") {
        auto server = serve({step(200, "service-content.xml"), step(200, "login.xml"),
                             step(500, "not-authenticated.xml"), step(200, "login.xml"),
                             step(200, "create-container-view.xml"), step(200, "inventory.xml"),
                             step(200, "login.xml"), step(200, "perf-counters.xml"),
                             step(200, "query-perf.xml"), step(200, "login.xml")});
        const auto r = run(survey + " --json");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(read_text(log) ==
              "RetrieveServiceContent\nLogin\nCreateContainerView\nLogin\nCreateContainerView\nRetr"
              "ievePropertiesEx\n"
              "DestroyView\nRetrievePropertiesEx\nQueryPerf\nLogout\n");
        const auto out = json::parse(r.out).as_object();
        CHECK(num(disk(out, "DC0_H0_VM0"), "read_iops") == Approx(120));
    }
    SECTION("an HTML page instead of SOAP") {
        write_text(s.tmp.path() / "page.html", "<html><body>Service Unavailable</body></html>");
        auto server = serve({"200:" + (s.tmp.path() / "page.html").string()});
        const auto r = run(survey);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("RetrieveServiceContent reply"));
        CHECK_THAT(r.err, Catch::Contains("not a SOAP envelope"));
    }
    SECTION("a reply cut short names its line") {
        const auto cut = read_text(fx / "inventory.xml").substr(0, 3000);
        write_text(s.tmp.path() / "cut.xml", cut);
        auto server = serve({step(200, "service-content.xml"), step(200, "login.xml"),
                             step(200, "create-container-view.xml"),
                             "200:" + (s.tmp.path() / "cut.xml").string()});
        const auto r = run(survey);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("RetrievePropertiesEx reply:2"));
    }
    SECTION("a fault from the server is reported with its type") {
        auto server = serve({step(500, "login-fault.xml")});
        const auto r = run(survey);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err,
                   Catch::Contains("RetrieveServiceContent failed: InvalidLogin: Login failure"));
    }
}

namespace {

// One simulated ESXi host holding vcsim's VM DC0_H0_VM0 under worldGroupID `wgid`.
std::string host_with_vm(const std::filesystem::path& dir, const std::string& name,
                         std::int64_t wgid) {
    const auto path = dir / (name + ".json");
    write_text(path, R"({"autostop_seconds": 1800, "vms": [
  {"name": "DC0_H0_VM0", "world_group_id": )" +
                         std::to_string(wgid) + R"(, "vmid": 3,
   "vmx": "/vmfs/volumes/LocalDS_0/DC0_H0_VM0/DC0_H0_VM0.vmx", "datastore_path": "[LocalDS_0] DC0_H0_VM0/DC0_H0_VM0.vmx",
   "disks": [{"handle": 8194, "label": "scsi0:0", "backing": "[LocalDS_0] DC0_H0_VM0/disk1.vmdk",
              "model": {"iops": 200, "read_fraction": 0.5, "read_sizes": [[8192, 1]], "write_sizes": [[8192, 1]]}}]},
  {"name": "other", "world_group_id": )" +
                         std::to_string(wgid + 1) + R"(, "vmid": 4,
   "vmx": "/vmfs/volumes/LocalDS_0/other/other.vmx", "datastore_path": "[LocalDS_0] other/other.vmx",
   "disks": [{"handle": 8200, "label": "scsi0:0", "backing": "[LocalDS_0] other/other.vmdk",
              "model": {"iops": 10}}]}]})");
    return path.string();
}

}  // namespace

TEST_CASE("a job started with --vcenter finds its VM's host and follows it across a vMotion",
          "[vcenter][follow]") {
    World env;
    const auto& dir = env.tmp.path();
    SshdFixture host_a(host_with_vm(dir, "a", 3000001));
    SshdFixture host_b(host_with_vm(dir, "b", 3000777));
    // vCenter's host names reach the simulated hosts through ssh config aliases.
    const auto cfg = dir / "ssh_config";
    auto alias = [](const char* name, const SshdFixture& h) {
        return std::string("Host ") + name + "\n  HostName 127.0.0.1\n  Port " +
               std::to_string(h.port()) + "\n  User " + h.user() + "\n  IdentityFile " +
               h.client_key().string() + "\n";
    };
    write_text(cfg, alias("DC0-H0", host_a) + alias("DC0-C0-H2", host_b));
    // Host names as DNS allows them (libssh refuses vcsim's "DC0_H0").
    VcsimFixture vc(dir, kMetrics, "-dns-names -move DC0_H0_VM0=DC0-C0-H2");
    const auto ssh = " --ssh-config " + shell_quote(cfg) + " --known-hosts " +
                     shell_quote(dir / "known_hosts") + " --accept-new-host-key --no-agent";
    const auto vcenter =
        " --vcenter " + vc.address() + " --vc-user " + VcsimFixture::user() + " --insecure";

    SECTION("host discover --vcenter: where each VM runs, no SSH") {
        const auto r = run("env VSCSI_VC_PASSWORD=" + VcsimFixture::password() + " " + vscsi_bin() +
                           " --json host discover" + vcenter + " --vm 'DC0_H0_*'");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto out = json::parse(r.out).as_object();
        REQUIRE(out.at("vms").as_array().size() == 2);
        const auto& vm0 = out.at("vms").at(0).as_object();
        CHECK(vm0.at("name").as_string() == "DC0_H0_VM0");
        CHECK(vm0.at("host").as_string() == "DC0-H0");
        CHECK(vm0.at("disks").at(0).at("disk").as_string() == "scsi0:0");
    }
    SECTION("the survey's one-liner starts a job as printed (with SSH options added)") {
        const auto survey = run("env VSCSI_VC_PASSWORD=" + VcsimFixture::password() + " " +
                                vscsi_bin() + " --json vcenter survey " + vc.address() +
                                " --vc-user " + VcsimFixture::user() + " --insecure");
        REQUIRE(survey.exit_code == 0);
        std::string line;
        const auto surveyed = json::parse(survey.out);
        for (const auto& d : surveyed.at("disks").as_array())
            if (d.at("vm").as_string() == "DC0_H0_VM0")
                line = std::string(d.at("job_start").as_string());
        REQUIRE(line.starts_with("vscsi job start --vcenter "));
        const auto started =
            run("env VSCSI_VC_PASSWORD=" + VcsimFixture::password() + " " +
                env.vscsi("--json " + line.substr(6) + " --name from-survey" + ssh));
        INFO(line << "\n" << started.out << started.err << env.log());
        REQUIRE(started.exit_code == 0);
        const auto st = env.status("from-survey");
        CHECK(st.at("host").as_string() == "DC0-H0");  // found through vCenter
        CHECK(st.at("status").as_string() == "running");
        CHECK(run(env.vscsi("job stop from-survey")).exit_code == 0);  // standard: 60 s a sample
    }
    SECTION("the move: one gap, no sample lost, both hosts in job.json") {
        const auto log = dir / "job.log";
        Background job(env.vscsi("job start --vm DC0_H0_VM0 --samples 10 --interval 1 --name "
                                 "follow --foreground" +
                                 vcenter + ssh)
                           .insert(0, "env VSCSI_VC_PASSWORD=" + VcsimFixture::password() + " "),
                       log);
        eventually(
            [&] {
                // A job that ended early says why in its log.
                if (std::filesystem::exists(log) &&
                    read_text(log).find("vscsi: ") != std::string::npos)
                    FAIL(read_text(log));
                return samples_on_disk(env.job_dir("follow")) >= 3;
            },
            "3 samples of the job");
        vc.signal(SIGUSR1);  // vCenter: the VM is on DC0-C0-H2 now
        eventually([&] { return vc.log().find("moved DC0_H0_VM0") != std::string::npos; },
                   "vcsim to move the VM");
        REQUIRE(host_a.admin("remove-vm DC0_H0_VM0") == 0);  // and host A no longer runs it
        const int rc = job.wait();
        INFO(read_text(log));
        REQUIRE(rc == 0);
        CHECK(read_text(log).find(VcsimFixture::password()) == std::string::npos);
        const auto meta = json::parse(read_text(env.job_dir("follow") / "job.json")).as_object();
        CHECK(meta.at("status").as_string() == "completed");
        CHECK(meta.at("host").at("hostname").as_string() == "DC0-C0-H2");
        CHECK(meta.at("targets").at(0).at("world_group_id").as_int64() == 3000777);
        CHECK(meta.at("plan").at("ssh").at("host").as_string() == "DC0-C0-H2");
        const auto& hosts = meta.at("hosts").as_array();
        REQUIRE(hosts.size() == 2);
        CHECK(hosts[0].at("hostname").as_string() == "DC0-H0");
        CHECK(hosts[0].at("world_group_id").as_int64() == 3000001);
        CHECK(hosts[1].at("hostname").as_string() == "DC0-C0-H2");
        CHECK(hosts[1].at("world_group_id").as_int64() == 3000777);
        CHECK(meta.at("vcenter").at("server").as_string() == "127.0.0.1");
        CHECK(meta.at("vcenter").as_object().if_contains("password") == nullptr);
        CHECK(read_text(env.job_dir("follow") / "job.json").find(VcsimFixture::password()) ==
              std::string::npos);
        CHECK(meta.at("collection").at("samples_collected").as_int64() == 10);
        CHECK(meta.at("collection").at("gaps").as_int64() == 1);
        CHECK(samples_on_disk(env.job_dir("follow")) == 10);
        std::string errors;
        for (const auto& e : meta.at("collection").at("errors").as_array())
            errors += std::string(e.as_string()) + "\n";
        CHECK_THAT(errors, Catch::Contains("DC0_H0_VM0 moved from DC0-H0 to DC0-C0-H2"));
        // The samples of both hosts analyze as one job.
        const auto a = run(env.vscsi("analyze follow --filter none"));
        INFO(a.err);
        CHECK(a.exit_code == 0);
    }
    SECTION("through the daemon: the password stays in its memory, the job follows the VM") {
        const auto metrics_port = free_port();
        auto daemon =
            start_daemon(env, "--metrics-listen 127.0.0.1:" + std::to_string(metrics_port));
        const auto r = run(
            "env VSCSI_VC_PASSWORD=" + VcsimFixture::password() + " " +
            env.vscsi("--json job start --vm DC0_H0_VM0 --samples 8 --interval 1 --name dfollow" +
                      vcenter + ssh));
        INFO(r.out << r.err << env.log());
        REQUIRE(r.exit_code == 0);
        wait_for_collected(env, "dfollow", 2);
        vc.signal(SIGUSR1);
        eventually([&] { return vc.log().find("moved DC0_H0_VM0") != std::string::npos; },
                   "vcsim to move the VM");
        REQUIRE(host_a.admin("remove-vm DC0_H0_VM0") == 0);
        wait_finished(env, {"dfollow"}, 120);
        const auto st = env.status("dfollow");
        INFO(json::serialize(st) << env.log());
        CHECK(st.at("status").as_string() == "completed");
        const auto meta = json::parse(read_text(env.job_dir("dfollow") / "job.json")).as_object();
        CHECK(meta.at("hosts").as_array().size() == 2);
        CHECK(meta.at("collection").at("samples_collected").as_int64() == 8);
        CHECK(meta.at("collection").at("gaps").as_int64() == 1);
        CHECK(env.log().find(VcsimFixture::password()) == std::string::npos);
        CHECK(read_text(env.job_dir("dfollow") / "job.json").find(VcsimFixture::password()) ==
              std::string::npos);
        // The live metrics name the host the job is on now.
        const auto scrape =
            run("curl -s http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics");
        CHECK_THAT(scrape.out, Catch::Contains("vscsi_job=\"dfollow\",host=\"DC0-C0-H2\""));
    }
    SECTION("start refuses what it cannot follow") {
        const auto two =
            run("env VSCSI_VC_PASSWORD=" + VcsimFixture::password() + " " +
                env.vscsi("job start --vm DC0_H0_VM0 --vm DC0_H0_VM1 --samples 2 --interval 1" +
                          vcenter));
        CHECK(two.exit_code == 2);
        CHECK_THAT(two.err, Catch::Contains("give one --vm"));
        const auto none = run(
            "env VSCSI_VC_PASSWORD=" + VcsimFixture::password() + " " +
            env.vscsi("job start --vm NOPE --samples 2 --interval 1 --foreground" + vcenter + ssh));
        CHECK(none.exit_code == 3);
        CHECK_THAT(none.err, Catch::Contains("has no VM named 'NOPE'"));
    }
}
