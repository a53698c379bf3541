#include "daemon/serve.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>
#include <csignal>
#include <cstdlib>

#include "daemon/job_manager.hpp"
#include "daemon/log.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/rpc_server.hpp"
#include "daemon/socket_path.hpp"
#include "daemon/systemd.hpp"
#include "protocol/methods.hpp"
#include "protocol/rpc_binding.hpp"
#include "util/file_io.hpp"
#include "util/file_lock.hpp"
#include "vscsi_config.hpp"

namespace vscsi::daemon {
namespace asio = boost::asio;
namespace json = boost::json;
using local = asio::local::stream_protocol;

namespace {

bool someone_listens(const std::filesystem::path& socket) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket.c_str(), sizeof addr.sun_path - 1);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

int serve(const ServeOptions& opts) {
    const auto started = std::chrono::steady_clock::now();
    std::error_code dir_ec;
    std::filesystem::create_directories(opts.data_dir, dir_ec);
    // One daemon per data directory: a second one would run every job twice.
    const auto data_lock = FileLock::try_acquire(opts.data_dir / "daemon.lock");
    if (!data_lock) {
        log(LogLevel::error,
            "another vscsi daemon already uses {} (see its daemon.lock): not starting a second one",
            opts.data_dir.string());
        return 1;
    }
    std::signal(SIGPIPE, SIG_IGN);
    asio::io_context io;
    local::acceptor acceptor(io);
    bool own_socket = false;
    std::filesystem::path socket_path = opts.socket_path;
    if (int n = listen_fds_from_env([](const char* k) { return std::getenv(k); }, ::getpid());
        n > 0) {
        acceptor.assign(local(), 3);  // systemd passed the listening socket
        socket_path = acceptor.local_endpoint().path();
        for (int fd = 4; fd < 3 + n; ++fd) ::close(fd);  // we only use one
        unset_activation_env();
        log(LogLevel::info, "socket-activated on {}", socket_path.string());
    } else {
        if (auto ready = prepare_socket_dir(socket_path.parent_path()); !ready) {
            log(LogLevel::error, "{}", ready.error().message());
            return 1;
        }
        if (std::filesystem::exists(socket_path)) {
            if (someone_listens(socket_path)) {
                log(LogLevel::error, "a daemon already answers on {}: not starting a second one",
                    socket_path.string());
                return 1;
            }
            std::filesystem::remove(socket_path);  // left by a daemon that died
        }
        const auto old_mask = ::umask(0177);  // the socket is born 0600
        acceptor.open();
        acceptor.bind(local::endpoint(socket_path.string()));
        ::umask(old_mask);
        acceptor.listen(asio::socket_base::max_listen_connections);
        own_socket = true;
    }

    JobManager jobs(io.get_executor(), opts.data_dir,
                    std::chrono::seconds(static_cast<long long>(opts.metrics_keep_minutes * 60)));
    jobs.on_live_jobs_changed = [&] {
        sd_notify(fmt::format("STATUS=collecting {} job(s)", jobs.live_jobs()));
    };
    std::unique_ptr<MetricsServer> metrics;
    bool stopping = false;
    bool stop_jobs = opts.stop_jobs_on_exit;
    std::unique_ptr<RpcServer> rpc;

    auto shutdown = [&](bool stop_collections) {
        if (stopping) return;
        stopping = true;
        sd_notify("STOPPING=1");
        log(LogLevel::notice, "shutting down: {}",
            stop_collections ? "stopping every job's collections on its host"
                             : "running jobs stay resumable");
        rpc->close();
        if (metrics) metrics->close();
        asio::co_spawn(io, jobs.shutdown(stop_collections), [&](std::exception_ptr) { io.stop(); });
    };

    auto handler = [&](const RpcRequest& req) -> asio::awaitable<protocol::RpcResult> {
        using namespace protocol;
        if (stopping && req.method != method::daemon_status)
            throw RpcFailure(rpc_code::failure, "the daemon is shutting down: retry in a moment");
        if (req.method == method::job_start)
            co_return to_answer(co_await jobs.start(decode_params<StartJob>(req)));
        if (req.method == method::job_status)
            co_return to_answer(jobs.status(decode_params<JobRef>(req)));
        if (req.method == method::job_stop)
            co_return to_answer(jobs.stop(decode_params<JobRef>(req)));
        if (req.method == method::job_resume)
            co_return to_answer(jobs.resume(decode_params<JobRef>(req)));
        if (req.method == method::job_list) co_return jobs.list(decode_params<ListJobs>(req));
        if (req.method == method::job_delete)
            co_return to_answer(jobs.remove(decode_params<JobRef>(req)));
        if (req.method == method::job_cleanup)
            co_return to_answer(co_await jobs.cleanup(decode_params<CleanupJob>(req)));
        if (req.method == method::daemon_status) {
            DaemonStatus st;
            st.pid = ::getpid();
            st.version = VSCSI_VERSION;
            st.uptime_seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            st.data_dir = opts.data_dir.string();
            st.socket = socket_path.string();
            st.config = opts.config_file;
            st.live_jobs = jobs.live_jobs();
            st.clients = rpc->clients();
            if (metrics)
                st.metrics = fmt::format("http://{}:{}/metrics",
                                         metrics->local_endpoint().address().to_string(),
                                         metrics->local_endpoint().port());
            st.stopping = stopping;
            co_return json::value_from(st);
        }
        if (req.method == method::daemon_stop) {
            const auto ask = decode_params<StopDaemon>(req);
            if (ask.if_idle && (jobs.live_jobs() > 0 || rpc->clients() > 1))
                co_return json::value_from(DaemonStopping{false, false, jobs.live_jobs()});
            const bool stop_collections = ask.stop_jobs.value_or(stop_jobs);
            asio::post(io, [&, stop_collections] { shutdown(stop_collections); });
            co_return json::value_from(DaemonStopping{true, stop_collections, jobs.live_jobs()});
        }
        throw RpcFailure(rpc_code::method_not_found, fmt::format("no method '{}'", req.method));
    };
    RpcLimits limits;
    limits.requests_per_second = opts.max_request_rate;
    limits.burst = 2 * opts.max_request_rate;
    rpc = std::make_unique<RpcServer>(std::move(acceptor), handler, limits);

    if (!opts.metrics_listen.empty()) {
        try {
            metrics = std::make_unique<MetricsServer>(
                io.get_executor(), parse_listen_address(opts.metrics_listen).value(), [&] {
                    return jobs.metrics_text(
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                            .count());
                });
        } catch (const std::exception& e) {
            log(LogLevel::error, "cannot serve metrics on {}: {}", opts.metrics_listen,
                exception_text(e));
            if (own_socket) std::filesystem::remove(socket_path);
            return 1;
        }
        metrics->start();
        log(LogLevel::info, "metrics on http://{}:{}/metrics",
            metrics->local_endpoint().address().to_string(), metrics->local_endpoint().port());
    }

    asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        log(LogLevel::notice, "signal {}", sig);
        shutdown(stop_jobs);
    });
    asio::signal_set hup(io, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_hup =
        [&](const boost::system::error_code& ec, int) {
            if (!ec) hup.async_wait(on_hup);  // a closed terminal must not stop the jobs
        };
    hup.async_wait(on_hup);

    rpc->start();
    // Where this data directory's daemon listens, for clients whose default socket
    // differs (cron has no XDG_RUNTIME_DIR): they find it here instead of starting another.
    const auto where = opts.data_dir / "daemon.socket";
    if (auto ec = write_file_atomic(where, socket_path.string() + "\n"))
        log(LogLevel::warning, "cannot write {}: {}", where.string(), ec.message());
    const auto resumed = jobs.resume_all();
    log(LogLevel::notice, "vscsi {} serving {} on {} (pid {}), {} job(s) resumed", VSCSI_VERSION,
        opts.data_dir.string(), socket_path.string(), ::getpid(), resumed);
    sd_notify(fmt::format("READY=1\nSTATUS=collecting {} job(s)\nMAINPID={}", jobs.live_jobs(),
                          ::getpid()));
    io.run();
    signals.cancel();
    hup.cancel();
    if (own_socket) {
        std::error_code ec;
        std::filesystem::remove(socket_path, ec);
    }
    log(LogLevel::notice, "stopped");
    return 0;
}

}  // namespace vscsi::daemon
