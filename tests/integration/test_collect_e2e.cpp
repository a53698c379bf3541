// `vscsi host discover` and `vscsi job start --foreground` end to end: the real
// binary, real OpenSSH on 127.0.0.1, the simulated ESXi host behind it.
#include <signal.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "analysis/workload_metrics.hpp"
#include "e2e_world.hpp"
#include "format/vscsistats_csv.hpp"
#include "job/job_dir.hpp"

using namespace vscsi;
using namespace vscsi::test;
using Catch::Detail::Approx;

namespace {

boost::json::object load(const std::filesystem::path& p) {
    return boost::json::parse(read_text(p)).as_object();
}

std::string host_json_with(const std::filesystem::path& dir, const std::string& from,
                           const std::string& to) {
    auto text = read_text(env_or("VSCSI_SIM_HOST_JSON", ""));
    text.replace(text.find(from), from.size(), to);
    const auto p = dir / "host.json";
    write_text(p, text);
    return p.string();
}

}  // namespace

TEST_CASE("discover lists VMs, IDs, power states and disks", "[e2e]") {
    SshdFixture sshd;
    World env;
    const auto r = run(env.vscsi("--json host discover 127.0.0.1" + ssh_args(sshd)));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = boost::json::parse(r.out).as_object();
    CHECK_THAT(std::string(j.at("fingerprint").as_string()), Catch::StartsWith("SHA256:"));
    const auto& vms = j.at("vms").as_array();
    REQUIRE(vms.size() == 3);
    CHECK(vms[0].at("world_group_id").to_number<std::int64_t>() == 2099979);
    CHECK(vms[0].at("vmid").to_number<std::int64_t>() == 1);
    CHECK(vms[0].at("disks").as_array().size() == 2);
    CHECK(vms[0].at("disks").at(0).at("backing").as_string() ==
          "[datastore1] SQL-Server-01/SQL-Server-01.vmdk");
    CHECK(vms[0].at("disks").at(1).at("lun").as_string() == "vml.0200000000600508b1001c3ea3");
    CHECK(vms[0].at("disks").at(1).at("capacity_kb").to_number<std::int64_t>() == 41943040);
    CHECK(vms[1].at("name").as_string() == "web, app (prod)");
    CHECK(vms[2].at("power_state").as_string() == "off");
    const auto human = run(env.vscsi("host discover 127.0.0.1" + ssh_args(sshd)));
    CHECK_THAT(human.out, Catch::Contains("scsi0:1   handleID 8195") &&
                              Catch::Contains("(RDM vml.0200000000600508b1001c3ea3)"));
    // The capacity README promises, as vSphere states it (41943040 KB).
    CHECK_THAT(human.out, Catch::Contains("40 GiB  (RDM vml.0200000000600508b1001c3ea3)"));
}

TEST_CASE("a foreground job collects, stops vscsiStats, and analysis recovers the workload model",
          "[e2e]") {
    SshdFixture sshd;
    World env;
    const auto r =
        run(env.vscsi("job start --host 127.0.0.1 --vm SQL-Server-01 --samples 3 --interval 1 "
                      "--name sql --foreground" +
                      ssh_args(sshd)));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("sample 3/3"));
    const auto job = env.data / "jobs/sql";
    const auto meta = load(job / "job.json");
    CHECK(meta.at("status").as_string() == "completed");
    CHECK(meta.at("collection").at("samples_collected").to_number<int>() == 3);
    CHECK(meta.at("cleanup").at("vscsistats_stopped").as_bool());
    CHECK(meta.at("collection").at("vscsistats").at(0).at("state").as_string() == "stopped");
    CHECK_THAT(std::string(meta.at("host").at("fingerprint").as_string()),
               Catch::StartsWith("SHA256:"));
    // Nothing left running on the host.
    CHECK_THAT(sshd.sim_state(), Catch::Contains("\"collections\": {}"));
    // The model: scsi0:0 800 IOPS 70% reads, scsi0:1 200 IOPS 10% reads
    // (tests/esxi/host-two-vms.json)
    const auto a = run(env.vscsi("--json analyze sql --filter none"));
    REQUIRE(a.exit_code == 0);
    const auto m = boost::json::parse(a.out).as_object().at("metrics").as_object();
    // Tolerances: counters advance per whole IO, the sample edges are the print times.
    CHECK(m.at("iops").at("total").to_number<double>() == Approx(1000).epsilon(0.05));
    CHECK(m.at("read_percent").to_number<double>() == Approx(58).margin(2));
    const auto& bs = m.at("block_size_distribution").at("write").as_object();
    CHECK(bs.at("262144").to_number<double>() ==
          Approx(100.0 * 54 / 420).margin(1));  // 30% of 180 writes/s of 420
    CHECK(m.at("sequential_percent").at("write").to_number<double>() ==
          Approx(100.0 * (240 * 0.2 + 180 * 0.9) / 420).margin(3));
}

TEST_CASE("sshd killed and restarted mid-job: the job goes on and loses no I/O", "[e2e]") {
    SshdFixture sshd;
    World env;
    const auto& tmp = env.tmp;
    const auto log = tmp.path() / "job.log";
    Background job_process(env.vscsi("job start --host 127.0.0.1 --vm 2100417 --samples 6 "
                                     "--interval 1 --name web --foreground" +
                                     ssh_args(sshd)),
                           log);
    wait_for_samples(env.data / "jobs/web", 2);
    sshd.kill_all();
    // The outage itself (not an ordering wait): two and a half intervals without the host.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    sshd.restart();
    const int rc = job_process.wait();
    INFO(read_text(log));
    REQUIRE(rc == 0);
    const auto job = env.data / "jobs/web";
    const auto meta = load(job / "job.json");
    CHECK(meta.at("status").as_string() == "completed");
    CHECK(meta.at("collection").at("samples_collected").to_number<int>() == 6);
    CHECK(meta.at("collection").at("gaps").to_number<int>() ==
          0);  // the collection kept counting on the host
    bool saw_outage = false;
    for (const auto& e : meta.at("collection").at("errors").as_array())
        saw_outage = saw_outage || !e.as_string().empty();
    CHECK(saw_outage);
    // 150 IOPS over the whole covered time: the longer sample spans the outage.
    const JobDir dir(job);
    SampleCursor cur(dir);
    Sample s;
    double seconds = 0, ios = 0;
    for (;;) {
        const auto r = cur.next(s);
        REQUIRE(r);
        if (!*r) break;
        seconds += s.header.seconds();
        ios += sample_total_iops(s.data, s.header.seconds()) * s.header.seconds();
    }
    CHECK(seconds > 7.0);
    CHECK(ios / seconds == Approx(150).epsilon(0.05));
}

TEST_CASE("auto-stop: re-armed in time there is no gap; too late, the restart is marked", "[e2e]") {
    ScratchDir tmp;
    // 30 simulated minutes pass in 5 real seconds: re-arming every 1.5 s leaves
    // 3.5 s for a late sample on a loaded machine (1 s was not always enough).
    SshdFixture sshd(host_json_with(tmp.path(), "\"autostop_seconds\": 1800",
                                    "\"autostop_seconds\": 1800, \"time_scale\": 360"));
    World env;
    auto r =
        run(env.vscsi("job start --host 127.0.0.1 --vm 2100417 --samples 5 --interval 1 "
                      "--rearm-every 1.5 --name rearmed --foreground" +
                      ssh_args(sshd)));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(load(env.data / "jobs/rearmed/job.json").at("collection").at("gaps").to_number<int>() ==
          0);
    r =
        run(env.vscsi("job start --host 127.0.0.1 --vm 2100417 --samples 8 --interval 1 "
                      "--rearm-every 100 --name late --foreground" +
                      ssh_args(sshd)));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(load(env.data / "jobs/late/job.json").at("collection").at("gaps").to_number<int>() >= 1);
    CHECK_THAT(r.out, Catch::Contains("(after a gap)"));
}

TEST_CASE("a simulated host reboot is detected and collection restarts", "[e2e]") {
    SshdFixture sshd;
    World env;
    const auto& tmp = env.tmp;
    const auto log = tmp.path() / "job.log";
    Background job_process(env.vscsi("job start --host 127.0.0.1 --vm 2100417 --samples 5 "
                                     "--interval 1 --name rb --foreground" +
                                     ssh_args(sshd)),
                           log);
    wait_for_samples(env.data / "jobs/rb", 2);
    REQUIRE(sshd.admin("reboot") == 0);
    const int rc = job_process.wait();
    INFO(read_text(log));
    REQUIRE(rc == 0);
    const auto meta = load(env.data / "jobs/rb/job.json");
    CHECK(meta.at("collection").at("samples_collected").to_number<int>() == 5);
    CHECK(meta.at("collection").at("gaps").to_number<int>() >= 1);
    CHECK_THAT(read_text(log), Catch::Contains("after a gap"));
}

TEST_CASE("a VM that leaves its host (vMotion) ends its collection there, samples kept",
          "[e2e][vm_gone]") {
    SshdFixture sshd;
    World env;
    const auto log = env.tmp.path() / "job.log";
    Background job_process(env.vscsi("job start --host 127.0.0.1 --vm 2100417 --samples 50 "
                                     "--interval 1 --name moved --foreground" +
                                     ssh_args(sshd)),
                           log);
    wait_for_samples(env.data / "jobs/moved", 2);
    REQUIRE(sshd.admin("remove-vm 'web, app (prod)'") == 0);
    const int rc = job_process.wait();  // ends by itself: no endless retries
    INFO(read_text(log));
    CHECK(rc != 0);
    const auto meta = load(env.data / "jobs/moved/job.json");
    CHECK(meta.at("status").as_string() == "failed");
    const auto& c = meta.at("collection").at("vscsistats").at(0).as_object();
    CHECK(c.at("state").as_string() == "vm_gone");
    CHECK_THAT(std::string(c.at("error").as_string()), Catch::Contains("no longer on this host"));
    const auto kept = meta.at("collection").at("samples_collected").to_number<std::size_t>();
    CHECK(kept >= 2);
    CHECK(samples_on_disk(env.data / "jobs/moved") == kept);
    // The samples before the move analyze as usual.
    const auto a = run(env.vscsi("analyze moved --filter none"));
    CHECK(a.exit_code == 0);
    const auto status = run(env.vscsi("job status moved"));
    CHECK_THAT(status.out, Catch::Contains("is no longer on this host"));
}

TEST_CASE("a collector SIGKILLed mid-job leaves only whole files", "[e2e]") {
    SshdFixture sshd;
    World env;
    const auto& tmp = env.tmp;
    const auto log = tmp.path() / "job.log";
    Background job_process(env.vscsi("job start --host 127.0.0.1 --vm SQL-Server-01 --samples 50 "
                                     "--interval 1 --name killed --foreground" +
                                     ssh_args(sshd)),
                           log);
    wait_for_samples(env.data / "jobs/killed", 2);  // then kill it between samples
    job_process.signal(SIGKILL);
    job_process.wait();
    const auto job = env.data / "jobs/killed";
    const auto meta = load(job / "job.json");  // parses: written atomically
    CHECK(meta.at("status").as_string() == "running");
    CHECK(meta.at("collection").at("vscsistats").at(0).at("state").as_string() ==
          "running");  // recorded: cleanup can find it
    std::size_t samples = 0;
    for (const auto& e : std::filesystem::directory_iterator(job / "samples")) {
        CHECK(e.path().filename().string().front() != '.');  // no temp file left
        Sample s;
        test::require_parsed(decode_sample(read_text(e.path()), e.path().string(), s));
        ++samples;
    }
    CHECK(samples >= 2);
    CHECK(meta.at("collection").at("samples_collected").to_number<std::size_t>() <= samples);
    // Analysis works on the partial job and says so.
    const auto a = run(env.vscsi("analyze killed --filter none"));
    CHECK(a.exit_code == 0);
    CHECK_THAT(a.out, Catch::Contains("partial data"));
    // The recorded collection is still running on the host. The first client
    // command starts a daemon, which takes the orphaned job over (its
    // collector's lock died with it); stopping it stops vscsiStats.
    CHECK_THAT(sshd.sim_state(), Catch::Contains("2099979:8194"));
    auto c = run(env.vscsi("job cleanup killed" + ssh_args(sshd)));
    CHECK(c.exit_code == 2);  // running again, in the daemon: its collector stops vscsiStats
    CHECK_THAT(c.err, Catch::Contains("vscsi job stop killed"));
    c = run(env.vscsi("job stop killed"));
    INFO(c.out << c.err);
    CHECK(c.exit_code == 0);
    const auto after = load(job / "job.json");
    CHECK(after.at("cleanup").at("vscsistats_stopped").as_bool());
    CHECK(after.at("status").as_string() == "stopped");
    CHECK(after.at("collection").at("samples_collected").to_number<std::size_t>() >= samples);
    CHECK_THAT(sshd.sim_state(), Catch::Contains("\"collections\": {}"));
    c = run(env.vscsi("job cleanup killed" + ssh_args(sshd)));  // idempotent
    CHECK(c.exit_code == 0);
    CHECK_THAT(c.out, Catch::Contains("nothing to clean up"));
}

TEST_CASE("SIGTERM stops the job cleanly: vscsiStats stopped, partial data kept", "[e2e]") {
    SshdFixture sshd;
    World env;
    const auto& tmp = env.tmp;
    const auto log = tmp.path() / "job.log";
    Background job_process(env.vscsi("job start --host 127.0.0.1 --vm SQL-Server-01 --disk scsi0:1 "
                                     "--samples 50 --interval 1 --name term --foreground" +
                                     ssh_args(sshd)),
                           log);
    wait_for_samples(env.data / "jobs/term", 1);
    job_process.signal(SIGTERM);
    const int rc = job_process.wait();
    INFO(read_text(log));
    CHECK(rc == 0);
    const auto meta = load(env.data / "jobs/term/job.json");
    CHECK(meta.at("status").as_string() == "stopped");
    CHECK(meta.at("cleanup").at("vscsistats_stopped").as_bool());
    CHECK(meta.at("collection").at("vscsistats").at(0).at("handle_id").to_number<int>() ==
          8195);  // one disk: -w -i
    CHECK(meta.at("collection").at("samples_collected").to_number<int>() >= 1);
    CHECK_THAT(sshd.sim_state(), Catch::Contains("\"collections\": {}"));
}

TEST_CASE("unknown host keys are refused by the CLI with the fingerprint", "[e2e]") {
    SshdFixture sshd;
    World env;
    auto args = ssh_args(sshd);
    args.replace(args.find(" --accept-new-host-key"), 22, "");
    const auto r = run(env.vscsi("host discover 127.0.0.1" + args));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("SHA256:") && Catch::Contains("--accept-new-host-key"));
}

TEST_CASE("~/.ssh/config aliases: HostName, Port, User and IdentityFile come from the config",
          "[e2e]") {
    SshdFixture sshd;
    World env;
    const auto& tmp = env.tmp;
    const auto cfg = tmp.path() / "ssh_config";
    write_text(cfg, "Host esxi-lab\n  HostName 127.0.0.1\n  Port " + std::to_string(sshd.port()) +
                        "\n  User " + sshd.user() + "\n  IdentityFile " +
                        sshd.client_key().string() + "\n");
    const auto r = run(env.vscsi("--json host discover esxi-lab --ssh-config " + shell_quote(cfg) +
                                 " --known-hosts " + shell_quote(tmp.path() / "kh") +
                                 " --accept-new-host-key --no-agent"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(boost::json::parse(r.out).at("vms").as_array().size() == 3);
    CHECK_THAT(read_text(tmp.path() / "kh"),
               Catch::Contains("[127.0.0.1]:" + std::to_string(sshd.port())));
}

TEST_CASE("~/.ssh/config options vscsi cannot follow are refused with file:line, never bypassed",
          "[e2e][ssh_config]") {
    SshdFixture sshd;
    World env;
    const auto& tmp = env.tmp;
    const auto cfg = tmp.path() / "ssh_config";
    const auto kh = tmp.path() / "kh";
    const auto common = "  HostName 127.0.0.1\n  Port " + std::to_string(sshd.port()) +
                        "\n  User " + sshd.user() + "\n  IdentityFile " +
                        sshd.client_key().string() + "\n";
    write_text(cfg, "Host esxi-alias\n" + common + "  HostKeyAlias esxi-other\n" +
                        "Host esxi-own\n" + common + "  UserKnownHostsFile " + kh.string() +
                        "\n  StrictHostKeyChecking accept-new\n  IdentitiesOnly yes\n" +
                        "Host esxi-jump\n" + common + "  ProxyJump nosuchjumphost.invalid\n");
    const auto opts = " --ssh-config " + shell_quote(cfg);
    // The direct route is open here: a vscsi that ignored the option would connect and succeed.
    for (const auto& cmd :
         {"host discover esxi-alias" + opts + " --known-hosts " + shell_quote(kh) +
              " --accept-new-host-key",
          "job start --foreground --host esxi-alias --vm 2099979 --samples 1 --interval 1" + opts +
              " --known-hosts " + shell_quote(kh) + " --accept-new-host-key",
          "host check esxi-alias" + opts}) {
        INFO(cmd);
        const auto r = run(env.vscsi(cmd));
        CHECK(r.exit_code != 0);
        CHECK_THAT(r.err, Catch::Contains(cfg.string() +
                                          ":6: HostKeyAlias esxi-other applies to esxi-alias"));
    }
    // A jump host that cannot be reached: the error names it; no direct connection either.
    const auto jr = run(env.vscsi("host discover esxi-jump" + opts + " --known-hosts " +
                                  shell_quote(kh) + " --accept-new-host-key"));
    CHECK(jr.exit_code != 0);
    CHECK_THAT(jr.err, Catch::Contains("jump host nosuchjumphost.invalid (hop 1 of 1 to "
                                       "127.0.0.1): cannot resolve nosuchjumphost.invalid"));
    CHECK_THAT(run(env.vscsi("host check esxi-jump" + opts)).out,
               Catch::Contains("proxy ProxyJump nosuchjumphost.invalid"));
    CHECK_FALSE(std::filesystem::exists(kh));  // no connection was made: no key learned
    // What it can follow, it follows: known hosts file and accept-new from the config.
    const auto check = run(env.vscsi("host check esxi-own" + opts));
    INFO(check.out << check.err);
    REQUIRE(check.exit_code == 0);
    CHECK_THAT(check.out,
               Catch::Contains("hostname 127.0.0.1\nport " + std::to_string(sshd.port())) &&
                   Catch::Contains("agent no") &&
                   Catch::Contains("new host keys accepted once (accept-new)") &&
                   Catch::Contains("StrictHostKeyChecking accept-new  (" + cfg.string() + ":13)"));
    const auto r = run(env.vscsi("--json host discover esxi-own" + opts));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(read_text(kh), Catch::Contains("[127.0.0.1]:" + std::to_string(sshd.port())));
}

TEST_CASE("ProxyCommand: the host reached through a bastion (OpenSSH's ssh -W), never directly",
          "[e2e][ssh_config]") {
    SshdFixture bastion, target;
    World env;
    const auto& tmp = env.tmp;
    const auto cfg = tmp.path() / "ssh_config";
    const auto kh = tmp.path() / "kh";
    // The target's name does not resolve: only the proxy can reach it (it ignores %h).
    const auto jump =
        "ssh -q -o BatchMode=yes -o StrictHostKeyChecking=no -o "
        "UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i " +
        bastion.client_key().string() + " -p " + std::to_string(bastion.port()) +
        " -W 127.0.0.1:%p " + bastion.user() + "@127.0.0.1";
    write_text(cfg, "Host esxi-behind\n  HostName esxi-behind.invalid\n  Port " +
                        std::to_string(target.port()) + "\n  User " + target.user() +
                        "\n  IdentityFile " + target.client_key().string() + "\n  ProxyCommand " +
                        jump +
                        "\nHost esxi-broken\n  HostName esxi-behind.invalid\n  ProxyCommand "
                        "sh -c 'echo bastion says no >&2; exit 1'\n");
    const auto opts = " --ssh-config " + shell_quote(cfg) + " --known-hosts " + shell_quote(kh) +
                      " --accept-new-host-key --no-agent";
    const auto r = run(env.vscsi("--json host discover esxi-behind" + opts));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(boost::json::parse(r.out).at("vms").as_array().size() == 3);
    // The key is the target's, under the name the config gives it.
    CHECK_THAT(read_text(kh),
               Catch::Contains("[esxi-behind.invalid]:" + std::to_string(target.port())));
    // A collection job through it, and the proxy gone with the connection.
    const auto fg =
        run(env.vscsi("job start --foreground --host esxi-behind --vm 2099979 "
                      "--samples 2 --interval 1 --name behind" +
                      opts));
    INFO(fg.out << fg.err);
    CHECK(fg.exit_code == 0);
    // ([-] keeps pgrep's own shell out of the match.)
    CHECK(run("pgrep -f '[-]W 127.0.0.1:" + std::to_string(target.port()) + "'").exit_code != 0);
    // A proxy that fails: its own words in the error.
    const auto bad = run(env.vscsi("host discover esxi-broken" + opts));
    CHECK(bad.exit_code != 0);
    CHECK_THAT(bad.err, Catch::Contains("bastion says no") && Catch::Contains("ProxyCommand"));
    const auto check = run(env.vscsi("host check esxi-behind" + opts));
    CHECK_THAT(check.out, Catch::Contains("proxy ProxyCommand ssh -q"));
}

TEST_CASE("ProxyJump: one and two jump hosts, each checked; the route really goes through them",
          "[e2e][ssh_config][jump]") {
    SshdFixture b1, b2, target;
    World env;
    const auto& tmp = env.tmp;
    const auto cfg = tmp.path() / "ssh_config";
    const auto kh = tmp.path() / "kh";
    const auto at = [](const SshdFixture& s) {
        return s.user() + "@127.0.0.1:" + std::to_string(s.port());
    };
    write_text(cfg, "Host esxi-far\n  HostName 127.0.0.1\n  Port " + std::to_string(target.port()) +
                        "\n  User " + target.user() + "\n  ProxyJump " + at(b1) + "\n");
    const auto keys = " --key " + shell_quote(b1.client_key()) + " --key " +
                      shell_quote(b2.client_key()) + " --key " + shell_quote(target.client_key());
    const auto opts = " --ssh-config " + shell_quote(cfg) + " --known-hosts " + shell_quote(kh) +
                      " --no-agent" + keys;
    // Unknown host keys are refused at the jump host first, naming it.
    auto r = run(env.vscsi("host discover esxi-far" + opts));
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("jump host 127.0.0.1 (hop 1 of 1 to 127.0.0.1)") &&
                          Catch::Contains("[127.0.0.1]:" + std::to_string(b1.port())) &&
                          Catch::Contains("--accept-new-host-key"));
    // One hop from the config: both keys learned, the VMs listed.
    r = run(env.vscsi("--json host discover esxi-far" + opts + " --accept-new-host-key"));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(boost::json::parse(r.out).at("vms").as_array().size() == 3);
    for (const auto* s : {&b1, &target})
        CHECK_THAT(read_text(kh), Catch::Contains("[127.0.0.1]:" + std::to_string(s->port())));
    // The route: with the jump host down, the host is not reached (no direct connection).
    b1.stop();
    r = run(env.vscsi("host discover esxi-far" + opts));
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("jump host 127.0.0.1"));
    b1.restart();
    // Two hops from the command line (as ssh -J), overriding the config's.
    r = run(env.vscsi("--json host discover esxi-far" + opts + " --accept-new-host-key --jump " +
                      at(b1) + "," + at(b2)));
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(read_text(kh), Catch::Contains("[127.0.0.1]:" + std::to_string(b2.port())));
    // A changed key on a jump host is refused, naming it.
    auto known = read_text(kh);
    const auto b2_entry = "[127.0.0.1]:" + std::to_string(b2.port());
    const auto line_start = known.find(b2_entry);
    REQUIRE(line_start != std::string::npos);
    const auto line_end = known.find('\n', line_start);
    known.replace(line_start, line_end - line_start,
                  b2_entry + " " + read_text(b2.other_key().string() + ".pub").substr(0, 80));
    write_text(kh, known);
    r = run(env.vscsi("host discover esxi-far" + opts + " --jump " + at(b1) + "," + at(b2)));
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("jump host 127.0.0.1 (hop 2 of 2") &&
                          Catch::Contains("HOST KEY CHANGED for " + b2_entry));
    // --jump none connects directly, as ssh -J none.
    r = run(env.vscsi("host check esxi-far" + opts + " --jump none"));
    CHECK(r.exit_code == 0);
}

TEST_CASE("a daemon job through a jump host survives the jump host's restart: no sample lost",
          "[e2e][ssh_config][jump]") {
    SshdFixture bastion, target;
    World env;
    const auto& tmp = env.tmp;
    const auto kh = tmp.path() / "kh";
    const auto opts = " --ssh-config none --known-hosts " + shell_quote(kh) +
                      " --accept-new-host-key --no-agent --key " +
                      shell_quote(bastion.client_key()) + " --key " +
                      shell_quote(target.client_key()) + " --port " +
                      std::to_string(target.port()) + " --user " + target.user() + " --jump " +
                      bastion.user() + "@127.0.0.1:" + std::to_string(bastion.port());
    const auto job = env.data / "jobs/far";
    // In the daemon: the jump list travels in job.start and in the resume plan.
    env.call_json(
        "job start --host 127.0.0.1 --vm 2099979 --samples 8 --interval 1 "
        "--give-up-after 120 --name far" +
        opts);
    wait_for_samples(job, 2);
    bastion.kill_all();  // the jump host and its tunnels go
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    bastion.restart();
    wait_finished(env, {"far"}, 60);
    INFO(env.log());
    const auto meta = JobDir(job).load_meta();
    CHECK(meta.status == JobStatus::completed);
    CHECK(meta.collection.samples_collected == 8);
    CHECK_FALSE(meta.collection.errors.empty());  // it saw the chain drop and reconnected
    CHECK(meta.cleanup.vscsistats_stopped);
    CHECK_THAT(target.sim_state(), Catch::Contains("\"collections\": {}"));
    // Every stretch of the job's span is in a sample (the outage only made one longer).
    std::optional<TimePoint> previous_end;
    for (std::uint64_t seq = 1; seq <= 8; ++seq) {
        Sample smp;
        test::require_parsed(decode_sample(read_text(JobDir(job).sample_path(seq)),
                                           JobDir(job).sample_path(seq).string(), smp));
        if (previous_end && !smp.header.after_gap) CHECK(smp.header.start == *previous_end);
        previous_end = smp.header.end;
    }
}
