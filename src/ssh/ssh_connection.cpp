#include "ssh/ssh_connection.hpp"

#include <fmt/core.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/throw_exception.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "ssh/proxy_command.hpp"
#include "ssh/ssh_config_files.hpp"

namespace vscsi::ssh {
namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

void throw_exception_from_error(const SshError& e, const boost::source_location& loc) {
    boost::throw_exception(std::runtime_error(e.message), loc);
}

namespace {

std::string home_path(const char* rel) {
    const char* h = std::getenv("HOME");
    return std::string(h ? h : ".") + "/" + rel;
}

SshError err(SshError::Kind k, std::string m) {
    return SshError{k, std::move(m)};
}

}  // namespace

struct SshConnection::Impl {
    explicit Impl(asio::any_io_executor e) : ex(std::move(e)), sock(ex) {}
    ~Impl() { release(); }

    asio::any_io_executor ex;
    tcp::socket sock;  // owns the fd (a TCP socket, or our end of a ProxyCommand's pair)
    ProxyProcess proxy;
    std::shared_ptr<SshConnection> via;  // the jump host whose channel carries this one
    ssh_session s = nullptr;
    ssh_event ev = nullptr;
    std::vector<asio::steady_timer*> waiters;
    bool open = false;
    std::string host, fingerprint, close_reason;
    SshParams params;

    void kick() {
        for (auto* t : waiters) t->cancel();
    }

    void release() {
        open = false;
        kick();
        if (ev) {
            if (s) ssh_event_remove_session(ev, s);
            ssh_event_free(ev);
            ev = nullptr;
        }
        if (s) {
            ssh_disconnect(s);  // does not close a borrowed fd; ssh_free after it does not either
            ssh_free(s);
            s = nullptr;
        }
        boost::system::error_code ec;
        sock.close(ec);
        proxy.stop();  // it dies with the connection
        via.reset();   // and so does the chain behind it (unless shared)
    }

    // Data waiting to go out: make the pump watch for writability now.
    void flush_soon() {
        if (s && (ssh_get_poll_flags(s) & SSH_WRITE_PENDING)) {
            boost::system::error_code ec;
            sock.cancel(ec);
        }
    }

    std::string ssh_error() const { return s ? ssh_get_error(s) : "no session"; }

    // Before the pump runs (handshake, auth): wait for the socket directly.
    asio::awaitable<bool> wait_socket(Clock::time_point deadline) {
        const bool w = ssh_get_poll_flags(s) & SSH_WRITE_PENDING;
        asio::steady_timer t(ex, deadline);
        auto r = co_await (sock.async_wait(w ? tcp::socket::wait_write : tcp::socket::wait_read,
                                           tuple_awaitable) ||
                           t.async_wait(tuple_awaitable));
        co_return r.index() == 0;
    }

    // After: sleep until the pump or a channel callback says something
    // happened. False when the deadline passed first.
    asio::awaitable<bool> wait_event(Clock::time_point deadline) {
        asio::steady_timer t(ex, deadline);
        waiters.push_back(&t);
        // Data waiting to go out needs the pump to watch for writability.
        if (ssh_get_poll_flags(s) & SSH_WRITE_PENDING) {
            boost::system::error_code ec;
            sock.cancel(ec);
        }
        auto [ec] = co_await t.async_wait(tuple_awaitable);
        waiters.erase(std::find(waiters.begin(), waiters.end(), &t));
        co_return ec == asio::error::operation_aborted;
    }

    asio::awaitable<void> pump(std::shared_ptr<Impl> self) {
        while (open) {
            const bool w = ssh_get_poll_flags(s) & SSH_WRITE_PENDING;
            auto [ec] = co_await sock.async_wait(
                w ? tcp::socket::wait_write : tcp::socket::wait_read, tuple_awaitable);
            if (!open) break;
            if (ec && ec != asio::error::operation_aborted) {
                close_reason = "connection lost: " + ec.message();
                break;
            }
            ssh_event_dopoll(ev, 0);  // reads what arrived; channel callbacks run here
            if (ssh_get_status(s) & (SSH_CLOSED | SSH_CLOSED_ERROR)) {
                close_reason = fmt::format("connection to {} closed: {}", host, ssh_error());
                break;
            }
            kick();
        }
        open = false;
        kick();
        (void)self;
    }
};

SshConnection::SshConnection(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
SshConnection::~SshConnection() {
    close();
}
bool SshConnection::is_open() const {
    return impl_->open;
}
const std::string& SshConnection::host() const {
    return impl_->host;
}
const std::string& SshConnection::fingerprint() const {
    return impl_->fingerprint;
}
void SshConnection::close() {
    if (impl_) impl_->release();
}

asio::awaitable<boost::system::result<std::shared_ptr<SshConnection>, SshError>>
SshConnection::connect(asio::any_io_executor ex, SshParams p) {
    co_return co_await connect_hop(ex, std::move(p), 0);
}

asio::awaitable<boost::system::result<std::shared_ptr<SshConnection>, SshError>>
SshConnection::connect_hop(asio::any_io_executor ex, SshParams p, int depth) {
    using K = SshError::Kind;
    // What ~/.ssh/config says for this host is followed or refused, never
    // half-followed (a ProxyJump ignored would bypass the bastion).
    const auto cfg = resolve_ssh_config(p);
    if (!cfg) co_return err(K::config, cfg.error().message());
    // -J / --jump first, else whichever of ProxyJump and ProxyCommand the config gave.
    const auto* jump_cfg = cfg->find("proxyjump");
    std::string jump = p.jump.empty() && jump_cfg ? jump_cfg->raw : p.jump;
    if (jump == "none" || jump == "NONE") jump.clear();
    const auto* proxy_cfg = p.jump.empty() ? cfg->find("proxycommand") : nullptr;
    const bool via_proxy =
        jump.empty() && proxy_cfg && proxy_cfg->raw != "none" && proxy_cfg->raw != "NONE";
    std::vector<host::JumpHop> hops;
    if (!jump.empty()) {
        auto parsed = host::parse_jump_hops(jump);
        if (!parsed)
            co_return err(K::config,
                          (jump_cfg && p.jump.empty() ? jump_cfg->where() + ": " : std::string()) +
                              parsed.error().message());
        hops = std::move(*parsed);
        if (depth + static_cast<int>(hops.size()) > 8)
            co_return err(K::config,
                          fmt::format("the jump hosts to {} go more than 8 hops deep: a loop? (a "
                                      "'Host *' with ProxyJump matches the jump host too: exclude "
                                      "it, e.g. 'Host * !{}')",
                                      p.host, hops.front().host));
    }
    auto impl = std::make_shared<Impl>(ex);
    impl->params = p;
    const auto deadline = Clock::now() + p.connect_timeout;
    impl->s = ssh_new();
    if (!impl->s) co_return err(K::connect, "cannot create an SSH session (out of memory?)");
    ssh_session s = impl->s;

    // Resolve ~/.ssh/config (aliases, HostName, Port, User, IdentityFile) first,
    // then connect ourselves so that Asio, not libssh, does the blocking parts.
    if (ssh_options_set(s, SSH_OPTIONS_HOST, p.host.c_str()) != SSH_OK)
        co_return err(
            K::config,
            fmt::format("'{}' is not a host name libssh accepts (letters, digits, '-' and '.'; "
                        "no '_'): give the host's DNS name or address",
                        p.host));
    if (p.ssh_config != "none") {
        const auto cfg_file = p.ssh_config.empty() ? home_path(".ssh/config") : p.ssh_config;
        ssh_options_parse_config(s, cfg_file.c_str());
    }
    bool no = false;
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, "none");  // ours to run, on our fd
    if (!p.user.empty()) ssh_options_set(s, SSH_OPTIONS_USER, p.user.c_str());
    if (p.port) ssh_options_set(s, SSH_OPTIONS_PORT, &p.port);
    char* host_c = nullptr;
    ssh_options_get(s, SSH_OPTIONS_HOST, &host_c);
    impl->host = host_c ? host_c : p.host;
    ssh_string_free_char(host_c);
    unsigned port = 22;
    ssh_options_get_port(s, &port);
    const auto known = p.known_hosts.empty() ? home_path(".ssh/known_hosts") : p.known_hosts;
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known.c_str());

    // What a handshake failure says: the proxy's own complaint when there is one.
    auto through = [&]() -> std::string {
        if (!hops.empty()) return fmt::format(" (through the jump host {})", hops.back().host);
        if (!via_proxy) return {};
        const auto e = impl->proxy.error_text();
        return fmt::format(" (through ProxyCommand {} from {}{})", proxy_cfg->raw,
                           proxy_cfg->where(), e.empty() ? "" : ", which said: " + e);
    };
    if (!hops.empty()) {
        // The last hop is reached through the ones before it (ssh -J a,b: a, then b).
        const auto& last = hops.back();
        SshParams hop;
        hop.host = last.host;
        hop.user = last.user;
        hop.port = last.port;
        hop.key_files = p.key_files;
        hop.use_agent = p.use_agent;
        hop.known_hosts = p.known_hosts;
        hop.ssh_config = p.ssh_config;
        hop.accept_new_host_key = p.accept_new_host_key;
        hop.connect_timeout = p.connect_timeout;
        hop.max_output_bytes = p.max_output_bytes;
        // Never the host's password: a jump host must not see it.
        for (std::size_t i = 0; i + 1 < hops.size(); ++i) {
            const auto& h = hops[i];
            hop.jump += (hop.jump.empty() ? "" : ",") + (h.user.empty() ? "" : h.user + "@") +
                        (h.host.find(':') != std::string::npos ? "[" + h.host + "]" : h.host) +
                        (h.port ? ":" + std::to_string(h.port) : "");
        }
        // The first hop (hop.jump empty): its own ssh config decides how it is reached.
        const auto hop_name = fmt::format("jump host {} (hop {} of {} to {})", last.host,
                                          hops.size(), hops.size(), impl->host);
        auto via = co_await connect_hop(ex, hop, depth + static_cast<int>(hops.size()));
        if (!via) co_return err(via.error().kind, hop_name + ": " + via.error().message);
        auto tunnel = co_await (*via)->open_tunnel(impl->host, port, p.connect_timeout);
        if (!tunnel) co_return err(K::connect, hop_name + ": " + tunnel.error().message);
        impl->via = std::move(*via);
        boost::system::error_code aec;
        impl->sock.assign(tcp::v4(), *tunnel, aec);
        if (aec) co_return err(K::connect, fmt::format("{}: {}", hop_name, aec.message()));
    }
    if (via_proxy) {
        char* user_c = nullptr;
        ssh_options_get(s, SSH_OPTIONS_USER, &user_c);
        const std::string user = user_c ? user_c : "";
        ssh_string_free_char(user_c);
        auto started = ProxyProcess::start(
            expand_proxy_tokens(proxy_cfg->raw, impl->host, port, user, p.host));
        if (!started)
            co_return err(K::config,
                          fmt::format("{}: {}", proxy_cfg->where(), started.error().message()));
        impl->proxy = std::move(*started);
        boost::system::error_code aec;
        impl->sock.assign(tcp::v4(), impl->proxy.take_fd(), aec);
        if (aec) co_return err(K::connect, fmt::format("ProxyCommand: {}", aec.message()));
    }
    if (!via_proxy && hops.empty()) {
        tcp::resolver resolver(ex);
        asio::steady_timer timer(ex, deadline);
        auto resolved =
            co_await (resolver.async_resolve(impl->host, std::to_string(port), tuple_awaitable) ||
                      timer.async_wait(tuple_awaitable));
        if (resolved.index() == 1)
            co_return err(K::timeout, fmt::format("resolving {} timed out", impl->host));
        auto [rec, endpoints] = std::get<0>(resolved);
        if (rec)
            co_return err(K::resolve,
                          fmt::format("cannot resolve {}: {}", impl->host, rec.message()));

        std::string last_error = "no address";
        for (const auto& e : endpoints) {
            boost::system::error_code ignored;
            impl->sock.close(ignored);
            auto r = co_await (impl->sock.async_connect(e.endpoint(), tuple_awaitable) ||
                               timer.async_wait(tuple_awaitable));
            if (r.index() == 1)
                co_return err(K::timeout,
                              fmt::format("connecting to {}:{} timed out after {} s; check the "
                                          "address and that SSH is enabled on the host",
                                          impl->host, port, p.connect_timeout.count() / 1000));
            auto [cec] = std::get<0>(r);
            if (!cec) {
                last_error.clear();
                break;
            }
            last_error = cec.message();
        }
        if (!last_error.empty())
            co_return err(K::connect,
                          fmt::format("cannot connect to {}:{}: {} (is SSH enabled on the host?)",
                                      impl->host, port, last_error));
        // Detect dead peers on idle connections between samples.
        impl->sock.set_option(asio::socket_base::keep_alive(true));
        const int idle = 30, intvl = 10, cnt = 3;
        ::setsockopt(impl->sock.native_handle(), IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
        ::setsockopt(impl->sock.native_handle(), IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
        ::setsockopt(impl->sock.native_handle(), IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
    }

    socket_t fd = impl->sock.native_handle();
    ssh_options_set(s, SSH_OPTIONS_FD, &fd);
    ssh_set_blocking(s, 0);
    int rc;
    while ((rc = ssh_connect(s)) == SSH_AGAIN)
        if (!co_await impl->wait_socket(deadline))
            co_return err(K::timeout,
                          fmt::format("SSH handshake with {} timed out{}", impl->host, through()));
    if (rc != SSH_OK)
        co_return err(K::handshake, fmt::format("SSH handshake with {}:{} failed: {}{}", impl->host,
                                                port, impl->ssh_error(), through()));

    // Host key: known, or refused (unknown unless accept-new; changed always).
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(s, &key) == SSH_OK) {
        unsigned char* hash = nullptr;
        size_t hlen = 0;
        if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) == 0) {
            char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
            impl->fingerprint = fp ? fp : "";
            ssh_string_free_char(fp);
            ssh_clean_pubkey_hash(&hash);
        }
        ssh_key_free(key);
    }
    const auto hostport = port == 22 ? impl->host : fmt::format("[{}]:{}", impl->host, port);
    switch (ssh_session_is_known_server(s)) {
        case SSH_KNOWN_HOSTS_OK:
            break;
        case SSH_KNOWN_HOSTS_CHANGED:
        case SSH_KNOWN_HOSTS_OTHER:
            co_return err(
                K::host_key,
                fmt::format(
                    "HOST KEY CHANGED for {}: the host now presents {} which does not match "
                    "{}. Refusing to connect (this can be an attack). If the host was "
                    "reinstalled, remove the old entry with: ssh-keygen -R '{}' -f {}",
                    hostport, impl->fingerprint, known, hostport, known));
        case SSH_KNOWN_HOSTS_UNKNOWN:
        case SSH_KNOWN_HOSTS_NOT_FOUND:
            if (!p.accept_new_host_key)
                co_return err(
                    K::host_key,
                    fmt::format("the host key of {} is not in {} (fingerprint {}). Check the "
                                "fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*.pub) "
                                "and rerun with --accept-new-host-key to trust it",
                                hostport, known, impl->fingerprint));
            if (ssh_session_update_known_hosts(s) != SSH_OK)
                co_return err(K::host_key, fmt::format("cannot add {} to {}: {}", hostport, known,
                                                       impl->ssh_error()));
            break;
        default:
            co_return err(K::host_key, fmt::format("cannot check the host key of {} against {}: {}",
                                                   hostport, known, impl->ssh_error()));
    }

    // Authentication: agent, key files, then password.
    std::vector<std::string> tried;
    auto finish = [&](int r) { return r == SSH_AUTH_SUCCESS; };
    bool ok = false;
    while ((rc = ssh_userauth_none(s, nullptr)) == SSH_AUTH_AGAIN)
        if (!co_await impl->wait_socket(deadline))
            co_return err(K::timeout, "SSH authentication timed out");
    ok = finish(rc);
    if (!ok && p.use_agent && std::getenv("SSH_AUTH_SOCK")) {
        tried.push_back("ssh-agent");
        // The agent is local: its exchange is synchronous but short.
        while ((rc = ssh_userauth_agent(s, nullptr)) == SSH_AUTH_AGAIN)
            if (!co_await impl->wait_socket(deadline))
                co_return err(K::timeout, "SSH authentication timed out");
        ok = finish(rc);
    }
    for (const auto& kf : p.key_files) {
        if (ok) break;
        tried.push_back(kf);
        ssh_key priv = nullptr;
        if (ssh_pki_import_privkey_file(kf.c_str(), nullptr, nullptr, nullptr, &priv) != SSH_OK) {
            tried.back() += " (unreadable or needs a passphrase: load it into ssh-agent)";
            continue;
        }
        while ((rc = ssh_userauth_publickey(s, nullptr, priv)) == SSH_AUTH_AGAIN)
            if (!co_await impl->wait_socket(deadline)) {
                ssh_key_free(priv);
                co_return err(K::timeout, "SSH authentication timed out");
            }
        ssh_key_free(priv);
        ok = finish(rc);
    }
    if (!ok && p.key_files.empty()) {
        // IdentityFile lines of ~/.ssh/config and the default ~/.ssh/id_* keys.
        tried.push_back("ssh config / default identities");
        while ((rc = ssh_userauth_publickey_auto(s, nullptr, nullptr)) == SSH_AUTH_AGAIN)
            if (!co_await impl->wait_socket(deadline))
                co_return err(K::timeout, "SSH authentication timed out");
        ok = finish(rc);
    }
    if (!ok && !p.password.empty()) {
        tried.push_back("password");
        while ((rc = ssh_userauth_password(s, nullptr, p.password.c_str())) == SSH_AUTH_AGAIN)
            if (!co_await impl->wait_socket(deadline))
                co_return err(K::timeout, "SSH authentication timed out");
        ok = finish(rc);
    }
    if (!ok) {
        std::string methods;
        for (const auto& t : tried) methods += (methods.empty() ? "" : ", ") + t;
        char* user = nullptr;
        ssh_options_get(s, SSH_OPTIONS_USER, &user);
        auto m = fmt::format(
            "authentication as {}@{} failed (tried: {}). Use --key FILE, ssh-agent, or a "
            "password from $VSCSI_SSH_PASSWORD / --password-file",
            user ? user : "?", impl->host, methods.empty() ? "nothing" : methods);
        ssh_string_free_char(user);
        co_return err(K::auth, m);
    }

    impl->ev = ssh_event_new();
    if (!impl->ev || ssh_event_add_session(impl->ev, s) != SSH_OK)
        co_return err(K::connect, "cannot set up the SSH event loop");
    impl->open = true;
    asio::co_spawn(ex, impl->pump(impl), asio::detached);
    co_return std::shared_ptr<SshConnection>(new SshConnection(impl));
}

namespace {

// Channel callbacks only wake the waiters: the data stays buffered in libssh
// (returning 0 consumed bytes) for ssh_channel_read_nonblocking.
struct ChannelNotify {
    SshConnection::Impl* conn = nullptr;
    ssh_channel_callbacks_struct cb{};

    // Data, EOF, close, exit status, window open: each wakes the waiters.
    void watch(SshConnection::Impl* c, ssh_channel ch) {
        conn = c;
        ssh_callbacks_init(&cb);
        cb.userdata = this;
        cb.channel_data_function = [](ssh_session, ssh_channel, void*, uint32_t, int,
                                      void* ud) -> int {
            static_cast<ChannelNotify*>(ud)->conn->kick();
            return 0;
        };
        cb.channel_eof_function = [](ssh_session, ssh_channel, void* ud) {
            static_cast<ChannelNotify*>(ud)->conn->kick();
        };
        cb.channel_close_function = [](ssh_session, ssh_channel, void* ud) {
            static_cast<ChannelNotify*>(ud)->conn->kick();
        };
        cb.channel_exit_status_function = [](ssh_session, ssh_channel, int, void* ud) {
            static_cast<ChannelNotify*>(ud)->conn->kick();
        };
        cb.channel_write_wontblock_function = [](ssh_session, ssh_channel, uint32_t,
                                                 void* ud) -> int {
            static_cast<ChannelNotify*>(ud)->conn->kick();
            return 0;
        };
        ssh_set_channel_callbacks(ch, &cb);
    }
};

}  // namespace

asio::awaitable<ExecResult> SshConnection::exec(std::string command,
                                                std::chrono::milliseconds timeout) {
    auto impl = impl_;  // keep alive across suspensions
    ExecOutput out;
    const auto deadline = Clock::now() + timeout;
    auto fail = [](std::string why, SshError::Kind kind = SshError::Kind::channel) {
        return ExecResult(SshError{kind, std::move(why)});
    };
    if (!impl->open)
        co_return fail(impl->close_reason.empty() ? "not connected" : impl->close_reason,
                       SshError::Kind::closed);
    // Declared before the channel guard so that it is destroyed after it.
    auto notify = std::make_unique<ChannelNotify>();
    ssh_channel ch = ssh_channel_new(impl->s);
    if (!ch) co_return fail("cannot open a channel: " + impl->ssh_error());
    struct ChannelGuard {
        ssh_channel ch;
        ssh_channel_callbacks cb;
        Impl* conn;
        ~ChannelGuard() {
            if (!ch || !conn->s) return;  // a released session already freed its channels
            // A channel freed before the peer confirmed the close stays known
            // to libssh, and data may still arrive for it (a command we stopped
            // reading): it must not call back into memory we are about to free.
            ssh_remove_channel_callbacks(ch, cb);
            if (!ssh_channel_is_closed(ch)) ssh_channel_close(ch);
            ssh_channel_free(ch);
        }
    } guard{ch, &notify->cb, impl.get()};
    notify->watch(impl.get(), ch);

    auto step = [&](auto op, const char* what) -> asio::awaitable<std::optional<std::string>> {
        int rc;
        for (;;) {
            // Checked before every libssh call: a suspension may have outlived the session.
            if (!impl->open || !impl->s)
                co_return impl->close_reason.empty() ? std::string("connection closed")
                                                     : impl->close_reason;
            if ((rc = op()) != SSH_AGAIN) break;
            if (!co_await impl->wait_event(deadline))
                co_return fmt::format("{} timed out after {} s", what, timeout.count() / 1000.0);
        }
        if (rc != SSH_OK) co_return fmt::format("{} failed: {}", what, impl->ssh_error());
        co_return std::nullopt;
    };
    if (auto e = co_await step([&] { return ssh_channel_open_session(ch); }, "opening a channel"))
        co_return fail(*e);
    if (auto e = co_await step([&] { return ssh_channel_request_exec(ch, command.c_str()); },
                               "starting the command"))
        co_return fail(*e);

    char buf[16384];
    bool out_eof = false, err_eof = false;
    while (!(out_eof && err_eof)) {
        if (!impl->s) co_return fail("connection closed", SshError::Kind::closed);
        bool progress = false;
        for (int is_err = 0; is_err < 2; ++is_err) {
            bool& eof = is_err ? err_eof : out_eof;
            if (eof) continue;
            const int n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, is_err);
            if (n > 0) {
                auto& dst = is_err ? out.err : out.out;
                if (out.out.size() + out.err.size() + static_cast<std::size_t>(n) >
                    impl->params.max_output_bytes)
                    co_return fail(
                        fmt::format("the command printed more than {} MiB: stopped reading (raise "
                                    "the limit if this output is expected)",
                                    impl->params.max_output_bytes >> 20));
                dst.append(buf, static_cast<std::size_t>(n));
                progress = true;
            } else if (n == SSH_EOF) {
                eof = true;
                progress = true;
            } else if (n == SSH_ERROR) {
                co_return fail("reading output failed: " + impl->ssh_error());
            } else if (ssh_channel_is_eof(ch) && ssh_channel_poll(ch, is_err) <= 0) {
                eof = true;  // remote sent EOF and nothing is left buffered
                progress = true;
            }
        }
        if (progress) continue;
        if (!impl->open)
            co_return fail(impl->close_reason.empty() ? "connection closed" : impl->close_reason,
                           SshError::Kind::closed);
        if (!co_await impl->wait_event(deadline))
            co_return fail(fmt::format("the command did not finish within {} s: {}",
                                       timeout.count() / 1000.0, command),
                           SshError::Kind::timeout);
    }
    int status;
    for (;;) {
        if (!impl->s)
            co_return fail("connection closed before the exit status arrived",
                           SshError::Kind::closed);
        if ((status = ssh_channel_get_exit_status(ch)) != -1 || ssh_channel_is_closed(ch)) break;
        if (!impl->open)
            co_return fail("connection closed before the exit status arrived",
                           SshError::Kind::closed);
        if (!co_await impl->wait_event(deadline))
            co_return fail("no exit status within the timeout", SshError::Kind::timeout);
    }
    out.exit_status = status;
    co_return ExecResult(std::move(out));
}

namespace {

// Copies bytes both ways between a direct-tcpip channel and our end of the
// socket pair until either side ends. Holds the jump connection's Impl, and
// touches the channel only while its session lives.
asio::awaitable<void> bridge(std::shared_ptr<SshConnection::Impl> conn, ssh_channel ch,
                             std::unique_ptr<ChannelNotify> notify,
                             std::shared_ptr<asio::posix::stream_descriptor> pair) {
    char from_ssh[16384], from_pair[16384];
    std::string to_ssh;  // read from the pair, not yet taken by the channel (window full)
    boost::system::error_code ec;
    pair->non_blocking(true, ec);
    const auto far = Clock::now() + std::chrono::hours(24 * 365);
    for (;;) {
        if (!conn->open || !conn->s) break;
        bool progress = false;
        const int n = ssh_channel_read_nonblocking(ch, from_ssh, sizeof from_ssh, 0);
        if (n > 0) {
            auto [wec, written] = co_await asio::async_write(
                *pair, asio::buffer(from_ssh, static_cast<std::size_t>(n)), tuple_awaitable);
            if (wec) break;  // the next hop's session went away
            progress = true;
        } else if (n == SSH_ERROR || n == SSH_EOF || !conn->s ||
                   (ssh_channel_is_eof(ch) && ssh_channel_poll(ch, 0) <= 0) ||
                   ssh_channel_is_closed(ch)) {
            break;
        }
        if (!conn->s) break;
        if (to_ssh.empty()) {
            const auto m = pair->read_some(asio::buffer(from_pair), ec);
            if (m > 0) {
                to_ssh.assign(from_pair, m);
            } else if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
                break;  // EOF or error: the next hop closed
            }
        }
        if (!to_ssh.empty()) {
            const int w =
                ssh_channel_write(ch, to_ssh.data(), static_cast<uint32_t>(to_ssh.size()));
            if (w == SSH_ERROR) break;
            if (w > 0) {
                to_ssh.erase(0, static_cast<std::size_t>(w));
                progress = true;
                conn->flush_soon();
            }
        }
        if (progress) continue;
        if (to_ssh.empty())
            co_await (conn->wait_event(far) ||
                      pair->async_wait(asio::posix::stream_descriptor::wait_read, tuple_awaitable));
        else
            co_await conn->wait_event(far);  // the window opens (write_wontblock)
    }
    pair->close(ec);
    if (conn->s) {
        ssh_remove_channel_callbacks(ch, &notify->cb);
        if (!ssh_channel_is_closed(ch)) {
            ssh_channel_send_eof(ch);
            ssh_channel_close(ch);
        }
        ssh_channel_free(ch);
        conn->flush_soon();
    }
}

}  // namespace

asio::awaitable<boost::system::result<int, SshError>> SshConnection::open_tunnel(
    std::string host, unsigned port, std::chrono::milliseconds timeout) {
    using R = boost::system::result<int, SshError>;
    using K = SshError::Kind;
    auto impl = impl_;
    const auto deadline = Clock::now() + timeout;
    if (!impl->open)
        co_return R(
            SshError{K::closed, impl->close_reason.empty() ? "not connected" : impl->close_reason});
    auto notify = std::make_unique<ChannelNotify>();
    ssh_channel ch = ssh_channel_new(impl->s);
    if (!ch) co_return R(SshError{K::channel, "cannot open a channel: " + impl->ssh_error()});
    notify->watch(impl.get(), ch);
    auto give_up = [&](std::string why) {
        if (impl->s) {
            ssh_remove_channel_callbacks(ch, &notify->cb);
            ssh_channel_free(ch);
        }
        return R(SshError{K::channel, std::move(why)});
    };
    int rc;
    for (;;) {
        if (!impl->open || !impl->s)
            co_return R(SshError{K::closed, "the jump host's connection closed"});
        rc = ssh_channel_open_forward(ch, host.c_str(), static_cast<int>(port), "127.0.0.1", 0);
        if (rc != SSH_AGAIN) break;
        impl->flush_soon();
        if (!co_await impl->wait_event(deadline))
            co_return give_up(fmt::format("forwarding to {}:{} timed out after {} s", host, port,
                                          timeout.count() / 1000.0));
    }
    if (rc != SSH_OK)
        co_return give_up(
            fmt::format("it refused to forward to {}:{}: {} (AllowTcpForwarding "
                        "on the jump host?)",
                        host, port, impl->ssh_error()));
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        co_return give_up(fmt::format("cannot make a socket pair: {}", std::strerror(errno)));
    auto pair = std::make_shared<asio::posix::stream_descriptor>(impl->ex, sv[1]);
    asio::co_spawn(impl->ex, bridge(impl, ch, std::move(notify), pair), asio::detached);
    co_return R(sv[0]);
}

}  // namespace vscsi::ssh
