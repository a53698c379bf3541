// ~/.ssh/config as vscsi reads it: what applies to a host, what is refused
// (with file:line), never anything silently ignored. Files are in memory.
#include <catch2/catch.hpp>
#include <map>

#include "host/ssh_config.hpp"

using namespace vscsi;
using namespace vscsi::host;

namespace {

struct Files {
    std::map<std::string, std::string> text;
    SshConfigSource source() const {
        SshConfigSource s;
        s.home = "/home/u";
        s.local_user = "u";
        s.read = [this](const std::string& p) -> std::optional<std::string> {
            const auto it = text.find(p);
            if (it == text.end()) return std::nullopt;
            return it->second;
        };
        s.glob = [this](const std::string& pattern) {
            std::vector<std::string> out;
            for (const auto& [p, t] : text)
                if (ssh_pattern_match(pattern, p)) out.push_back(p);
            return out;
        };
        return s;
    }
};

Result<SshConfigSettings> eval(const Files& f, const std::string& host,
                               const std::string& user = "") {
    return evaluate_ssh_config("/home/u/.ssh/config", host, user, f.source());
}

}  // namespace

TEST_CASE("ssh_config: Host blocks, first value wins, IdentityFile accumulates, Include",
          "[ssh_config]") {
    Files f;
    f.text["/home/u/.ssh/config"] = R"(# lab
Include conf.d/*.conf
Host esx1 esx1.lab
    HostName 10.0.0.1
    Port=2222
    IdentityFile ~/.ssh/esx
Host !esx9 esx*
    User root
    IdentityFile "~/.ssh/with space"
    Port 22
Host *
    ServerAliveInterval 30
)";
    f.text["/home/u/.ssh/conf.d/a.conf"] = "Host esx1\n  ConnectTimeout 5\n";
    auto s = eval(f, "esx1").value();
    CHECK(s.value("hostname") == "10.0.0.1");
    CHECK(s.value("port") == "2222");  // the first value, not the later 22
    CHECK(s.find("port")->where() == "/home/u/.ssh/config:5");
    CHECK(s.value("user") == "root");
    CHECK(s.value("connecttimeout") == "5");
    CHECK(s.find("connecttimeout")->where() == "/home/u/.ssh/conf.d/a.conf:2");
    REQUIRE(s.identity_files.size() == 2);
    CHECK(s.identity_files[1].args.front() == "~/.ssh/with space");
    // Negated patterns keep a block away.
    CHECK(eval(f, "esx9").value().value("user").empty());
    CHECK(eval(f, "ESX2").value().value("user") == "root");  // host names ignore case
}

TEST_CASE("ssh_config: options vscsi cannot honour are refused with file:line", "[ssh_config]") {
    Files f;
    f.text["/home/u/.ssh/config"] = R"(Host esx1
    ProxyJump bastion
Host esx2
    ProxyJump none
    ProxyCommand none
Host esx3
    ProxyCommand ssh -W %h:%p bastion
Host esx4
    HostKeyAlias other
Host esx5
    StrictHostKeyChecking no
    ProxyJump none
Host esx6
    FrobnicateHosts yes
    ProxyJump none
Host esx7
    IgnoreUnknown Frob*
    FrobnicateHosts yes
    ProxyJump none
Host *
    ProxyJump fallback
)";
    auto refused = [&](const std::string& host) {
        const auto r = eval(f, host);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().kind == ErrorKind::usage);
        CHECK_THAT(r.error().next, Catch::Contains("--ssh-config none"));
        return r.error().what;
    };
    // Jumps are followed: the first value wins ("none" over Host *'s fallback).
    CHECK(eval(f, "esx1").value().find("proxyjump")->raw == "bastion");
    CHECK(eval(f, "esx2").value().value("proxyjump") == "none");
    CHECK(eval(f, "other").value().find("proxyjump")->where() == "/home/u/.ssh/config:21");
    // ProxyCommand is followed (the first of it and ProxyJump wins, as in OpenSSH), verbatim.
    CHECK(eval(f, "esx3").value().find("proxycommand")->raw == "ssh -W %h:%p bastion");
    CHECK(refused("esx4") ==
          "/home/u/.ssh/config:9: HostKeyAlias other applies to esx4, and vscsi checks the host "
          "key under the host's own name");
    CHECK_THAT(refused("esx5"), Catch::Contains("accept-new"));
    CHECK_THAT(refused("esx6"),
               Catch::StartsWith("/home/u/.ssh/config:14: FrobnicateHosts yes applies to esx6"));
    CHECK(eval(f, "esx7").has_value());  // IgnoreUnknown, as OpenSSH
}

TEST_CASE("jump lists read as ssh -J writes them", "[ssh_config]") {
    const auto hops = parse_jump_hops("bastion,ops@jump2:2222,ssh://root@[fd00::1]:22").value();
    REQUIRE(hops.size() == 3);
    CHECK((hops[0].user.empty() && hops[0].host == "bastion" && hops[0].port == 0));
    CHECK((hops[1].user == "ops" && hops[1].host == "jump2" && hops[1].port == 2222));
    CHECK((hops[2].user == "root" && hops[2].host == "fd00::1" && hops[2].port == 22));
    const auto bad = parse_jump_hops("bastion,jump2:99999");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().what == "jump host 'jump2:99999': the port is not 1-65535");
    CHECK_FALSE(parse_jump_hops("a,,b").has_value());
}

TEST_CASE("ssh_config: Match host/user/all evaluated, Match exec refused", "[ssh_config]") {
    Files f;
    f.text["/home/u/.ssh/config"] = R"(Host esx1
    HostName esx1.lab.example
Match host *.lab.example user root
    Port 2200
Match originalhost esx2 !user admin
    Port 2300
Match all
    User root
)";
    CHECK(eval(f, "esx1", "root").value().value("port") == "2200");
    CHECK(eval(f, "esx1", "admin").value().value("port").empty());
    CHECK(eval(f, "esx2", "ops").value().value("port") == "2300");
    CHECK(eval(f, "esx2", "admin").value().value("port").empty());
    // Without --user, Match user sees the config's User, else the local user.
    CHECK(eval(f, "esx3").value().value("user") == "root");
    f.text["/home/u/.ssh/config"] = "Match exec \"test -f /tmp/vpn\"\n    ProxyJump bastion\n";
    const auto r = eval(f, "esx1");
    REQUIRE_FALSE(r.has_value());
    CHECK_THAT(r.error().what,
               Catch::StartsWith("/home/u/.ssh/config:1: Match exec cannot be evaluated by vscsi"));
}

TEST_CASE("ssh_config: what vscsi follows itself is applied where the command line is silent",
          "[ssh_config]") {
    Files f;
    f.text["/home/u/.ssh/config"] = R"(Host esx1
    UserKnownHostsFile ~/.ssh/esx_known_hosts
    StrictHostKeyChecking accept-new
    IdentitiesOnly yes
    ConnectTimeout 4
)";
    const auto s = eval(f, "esx1").value();
    SshParams p;
    p.host = "esx1";
    apply_ssh_config(s, p, "/home/u");
    CHECK(p.known_hosts == "/home/u/.ssh/esx_known_hosts");
    CHECK(p.accept_new_host_key);
    CHECK_FALSE(p.use_agent);
    CHECK(p.connect_timeout == std::chrono::seconds(4));
    // --known-hosts given: it wins; a longer ConnectTimeout does not lengthen ours.
    SshParams q;
    q.known_hosts = "/etc/vscsi/known_hosts";
    q.connect_timeout = std::chrono::seconds(2);
    apply_ssh_config(s, q, "/home/u");
    CHECK(q.known_hosts == "/etc/vscsi/known_hosts");
    CHECK(q.connect_timeout == std::chrono::seconds(2));
    CHECK_THAT(describe_ssh_config(s),
               Catch::Contains("  UserKnownHostsFile ~/.ssh/esx_known_hosts  "
                               "(/home/u/.ssh/config:2)"));
}
