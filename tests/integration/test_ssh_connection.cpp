// The SSH layer against a real OpenSSH server on 127.0.0.1 in front of the
// simulated ESXi host.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include "format/vscsistats_csv.hpp"
#include "format/vscsistats_listing.hpp"
#include "sim/in_process_host.hpp"
#include "ssh/ssh_connection.hpp"
#include "ssh/ssh_host.hpp"
#include "sshd_fixture.hpp"

using namespace vscsi;
using namespace vscsi::test;
namespace asio = boost::asio;
using Connected = boost::system::result<std::shared_ptr<ssh::SshConnection>, ssh::SshError>;

namespace {

// Runs a coroutine on a fresh io_context until it finishes.
template <class F>
auto run_co(F f) {
    asio::io_context io;
    using T = typename decltype(f(io.get_executor()))::value_type;
    std::optional<T> out;
    std::exception_ptr error;
    asio::co_spawn(io, f(io.get_executor()), [&](std::exception_ptr e, T v) {
        error = e;
        if (!e) out = std::move(v);
    });
    io.run();
    if (error) std::rethrow_exception(error);
    return std::move(*out);
}

host::SshParams params(const SshdFixture& sshd, const std::filesystem::path& known_hosts) {
    host::SshParams p;
    p.host = "127.0.0.1";
    p.port = sshd.port();
    p.user = sshd.user();
    p.key_files = {sshd.client_key().string()};
    p.use_agent = false;
    p.ssh_config = "none";
    p.known_hosts = known_hosts.string();
    p.connect_timeout = std::chrono::seconds(10);
    return p;
}

std::string why(const ssh::ExecResult& r) {
    return r ? r->err : r.error().message;
}

// The commands all in flight at once on one connection (one coroutine each,
// one thread); their results in the same order once every one has ended.
asio::awaitable<std::vector<ssh::ExecResult>> exec_at_once(asio::any_io_executor ex,
                                                           std::shared_ptr<ssh::SshConnection> conn,
                                                           std::vector<std::string> commands,
                                                           std::chrono::seconds timeout) {
    std::vector<ssh::ExecResult> results(commands.size(), ssh::SshError{});
    std::size_t done = 0;
    for (std::size_t i = 0; i < commands.size(); ++i)
        asio::co_spawn(
            ex,
            [&, i]() -> asio::awaitable<void> {
                results[i] = co_await conn->exec(commands[i], timeout);
                ++done;
            },
            asio::detached);
    asio::steady_timer t(ex);
    while (done < commands.size()) {
        t.expires_after(std::chrono::milliseconds(10));
        co_await t.async_wait(asio::use_awaitable);
    }
    co_return results;
}

}  // namespace

TEST_CASE("exec through real sshd: discovery output and many channels at once", "[ssh]") {
    SshdFixture sshd;
    auto p = params(sshd, sshd.dir() / "known_hosts");
    p.accept_new_host_key = true;
    const auto results = run_co([&](asio::any_io_executor ex)
                                    -> asio::awaitable<std::vector<ssh::ExecResult>> {
        auto c = co_await ssh::SshConnection::connect(ex, p);
        if (!c) throw std::runtime_error(c.error().message);
        auto conn = *c;
        std::vector<ssh::ExecResult> out;
        out.push_back(co_await conn->exec("vscsiStats -l", std::chrono::seconds(10)));
        out.push_back(co_await conn->exec("vscsiStats -s -w 2099979", std::chrono::seconds(10)));
        // 20 prints in flight on one connection, one thread
        auto prints = co_await exec_at_once(
            ex, conn, std::vector<std::string>(20, "vscsiStats -p all -c -w 2099979"),
            std::chrono::seconds(20));
        for (auto& pr : prints) out.push_back(std::move(pr));
        out.push_back(co_await conn->exec("echo to-stderr >&2; exit 3", std::chrono::seconds(10)));
        out.push_back(co_await conn->exec("echo $SHLVL", std::chrono::seconds(10)));
        co_return out;
    });
    REQUIRE(results.size() == 24);
    INFO(why(results[0]));
    REQUIRE(results[0].has_value());
    CHECK(results[0]->exit_status == 0);
    VscsiStatsListing listing;
    test::require_parsed(parse_vscsistats_listing(results[0]->out, listing));
    REQUIRE(listing.vms.size() == 2);
    CHECK(listing.vms[1].display_name == "web, app (prod)");
    CHECK(results[1]->exit_status == 0);
    for (std::size_t i = 2; i < 22; ++i) {
        INFO("print " << i << ": " << why(results[i]));
        REQUIRE(results[i].has_value());
        CHECK(results[i]->exit_status == 0);
        VscsiStatsOutput o;
        test::require_parsed(parse_vscsistats_csv(results[i]->out, o));
        CHECK(o.disks.size() == 2);
    }
    CHECK(results[22]->exit_status == 3);
    CHECK(results[22]->err == "to-stderr\n");
    // The login shell did not read the account's ~/.bashrc (level >= 2): the
    // tests do not depend on the machine's shell startup files.
    REQUIRE(results[23].has_value());
    CHECK(std::stoi(results[23]->out) >= 2);
    CHECK_THAT(read_text(sshd.dir() / "known_hosts"),
               Catch::Contains("[127.0.0.1]:" + std::to_string(sshd.port())));
}

TEST_CASE("host keys: unknown refused unless accepted, changed always refused", "[ssh]") {
    SshdFixture sshd;
    auto connect = [&](host::SshParams p) {
        return run_co([&](asio::any_io_executor ex) -> asio::awaitable<Connected> {
            co_return co_await ssh::SshConnection::connect(ex, p);
        });
    };
    SECTION("unknown") {
        const auto r = connect(params(sshd, sshd.dir() / "empty_known_hosts"));
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ssh::SshError::Kind::host_key);
        CHECK_THAT(r.error().message,
                   Catch::Contains("SHA256:") && Catch::Contains("--accept-new-host-key"));
        CHECK_FALSE(std::filesystem::exists(sshd.dir() / "empty_known_hosts"));
    }
    SECTION("changed, even with accept-new") {
        auto other = read_text(sshd.other_key().string() + ".pub");
        write_text(sshd.dir() / "kh", "[127.0.0.1]:" + std::to_string(sshd.port()) + " " + other);
        auto p = params(sshd, sshd.dir() / "kh");
        p.accept_new_host_key = true;
        const auto r = connect(p);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message, Catch::Contains("HOST KEY CHANGED") &&
                                          Catch::Contains("SHA256:") &&
                                          Catch::Contains("ssh-keygen -R"));
    }
    SECTION("auth failure names what was tried and never the password") {
        auto p = params(sshd, sshd.dir() / "kh2");
        p.accept_new_host_key = true;
        p.key_files = {sshd.other_key().string()};
        p.password = "s3cret-pw";
        const auto r = connect(p);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ssh::SshError::Kind::auth);
        CHECK_THAT(r.error().message, Catch::Contains("other_key") && Catch::Contains("password"));
        CHECK(r.error().message.find("s3cret-pw") == std::string::npos);
    }
    SECTION("nothing listening") {
        auto p = params(sshd, sshd.dir() / "kh3");
        sshd.stop();
        const auto r = connect(p);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ssh::SshError::Kind::connect);
        CHECK_THAT(r.error().message, Catch::Contains("cannot connect to 127.0.0.1"));
    }
}

TEST_CASE("bounded output, command timeouts and a dropped connection", "[ssh]") {
    SshdFixture sshd;
    auto p = params(sshd, sshd.dir() / "known_hosts");
    p.accept_new_host_key = true;
    p.max_output_bytes = 1u << 20;
    REQUIRE(sshd.admin("fault huge 1") == 0);
    const auto results =
        run_co([&](asio::any_io_executor ex) -> asio::awaitable<std::vector<ssh::ExecResult>> {
            auto c = co_await ssh::SshConnection::connect(ex, p);
            if (!c) throw std::runtime_error(c.error().message);
            auto conn = *c;
            std::vector<ssh::ExecResult> out;
            out.push_back(co_await conn->exec("vscsiStats -l", std::chrono::seconds(30)));  // huge
            if (sshd.admin("fault hang 1") != 0)
                throw std::runtime_error("cannot arm the hang fault");
            out.push_back(
                co_await conn->exec("vscsiStats -l", std::chrono::seconds(1)));  // hangs 3 s
            out.push_back(
                co_await conn->exec("vscsiStats -l", std::chrono::seconds(10)));  // fine again
            out.push_back(co_await conn->exec("kill -9 $PPID",
                                              std::chrono::seconds(10)));  // the server side dies
            out.push_back(co_await conn->exec("vscsiStats -l", std::chrono::seconds(10)));
            co_return out;
        });
    CHECK_FALSE(results[0].has_value());
    CHECK_THAT(why(results[0]), Catch::Contains("more than 1 MiB"));
    CHECK_FALSE(results[1].has_value());
    CHECK_THAT(why(results[1]), Catch::Contains("did not finish within 1 s"));
    INFO(why(results[2]));
    CHECK(results[2].has_value());
    CHECK(results[2]->exit_status == 0);
    CHECK_FALSE(results[3].has_value());
    CHECK_FALSE(results[4].has_value());
}

// collect sees hosts only through host::HostShell: the SSH implementation and
// the in-process simulator must answer the same faults the same way.
TEST_CASE("host shells over SSH and in-process honour the simulator's faults alike", "[ssh]") {
    SshdFixture sshd;
    auto p = params(sshd, sshd.dir() / "known_hosts");
    p.accept_new_host_key = true;
    p.max_output_bytes = 1u << 20;
    auto run_faults = [&](auto make_shell) {
        return run_co(
            [&](asio::any_io_executor ex) -> asio::awaitable<std::vector<host::CommandResult>> {
                std::unique_ptr<host::HostShell> shell = make_shell(ex);
                std::vector<host::CommandResult> out;
                if (sshd.admin("fault huge 1") != 0)
                    throw std::runtime_error("cannot arm the huge fault");
                out.push_back(co_await shell->run("vscsiStats -l", std::chrono::seconds(30)));
                if (sshd.admin("fault hang 1") != 0)
                    throw std::runtime_error("cannot arm the hang fault");
                out.push_back(
                    co_await shell->run("vscsiStats -l", std::chrono::seconds(1)));  // hangs 3 s
                out.push_back(co_await shell->run("vscsiStats -l", std::chrono::seconds(10)));
                out.push_back(co_await shell->run("vscsiStats -p all -c -w 424242",
                                                  std::chrono::seconds(10)));
                shell->close();
                co_return out;
            });
    };
    const auto over_ssh =
        run_faults([&](asio::any_io_executor ex) { return std::make_unique<ssh::SshHost>(ex, p); });
    const auto in_process = run_faults([&](asio::any_io_executor ex) {
        return std::make_unique<sim::InProcessHost>(ex, sshd.sim_dir(), p.max_output_bytes);
    });
    for (const auto* results : {&over_ssh, &in_process}) {
        REQUIRE(results->size() == 4);
        const auto& r = *results;
        REQUIRE_FALSE(r[0].has_value());
        CHECK_THAT(r[0].error().message, Catch::Contains("more than 1 MiB"));
        CHECK_FALSE(r[0].error().fatal);
        REQUIRE_FALSE(r[1].has_value());
        CHECK_THAT(r[1].error().message, Catch::Contains("did not finish within 1 s"));
        REQUIRE(r[2].has_value());
        CHECK(r[2]->exit_status == 0);
        VscsiStatsListing listing;
        test::require_parsed(parse_vscsistats_listing(r[2]->out, listing));
        REQUIRE(r[3].has_value());
        CHECK(r[3]->exit_status != 0);  // no such VM: a delivered command with an error exit
    }
}

TEST_CASE("through a jump host: many channels at once and megabytes of output arrive intact",
          "[ssh][jump]") {
    SshdFixture bastion, target;
    auto p = params(target, target.dir() / "known_hosts");
    p.accept_new_host_key = true;
    p.key_files.push_back(bastion.client_key().string());
    p.jump = bastion.user() + "@127.0.0.1:" + std::to_string(bastion.port());
    const auto results =
        run_co([&](asio::any_io_executor ex) -> asio::awaitable<std::vector<ssh::ExecResult>> {
            auto c = co_await ssh::SshConnection::connect(ex, p);
            if (!c) throw std::runtime_error(c.error().message);
            auto conn = *c;
            // 8 MB through the tunnel: more than any channel window, so the bridge
            // must wait for the window and the pair in turn.
            std::vector<ssh::ExecResult> out;
            out.push_back(co_await conn->exec("head -c 8000000 /dev/zero | tr '\\0' x",
                                              std::chrono::seconds(60)));
            // Twenty commands in flight at once share the tunnel, with 2 MB more of output.
            std::vector<std::string> commands;
            for (int i = 0; i < 20; ++i)
                commands.push_back(i % 2 ? "vscsiStats -l"
                                         : "head -c 200000 /dev/zero | tr '\\0' y");
            auto many = co_await exec_at_once(ex, conn, commands, std::chrono::seconds(60));
            for (auto& m : many) out.push_back(std::move(m));
            co_return out;
        });
    REQUIRE(results[0].has_value());
    CHECK(results[0]->out.size() == 8000000);
    CHECK(results[0]->out.find_first_not_of('x') == std::string::npos);
    for (std::size_t i = 1; i < results.size(); ++i) {
        INFO(i << ": " << why(results[i]));
        REQUIRE(results[i].has_value());
        if (i % 2 == 1) {
            CHECK(results[i]->out == std::string(200000, 'y'));
        } else {
            CHECK(results[i]->out == results[2]->out);
            CHECK_THAT(results[i]->out, Catch::Contains("SQL-Server-01"));
        }
    }
}
