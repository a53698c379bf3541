#include "cli/daemon_client.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "daemon/socket_path.hpp"
#include "job/job_dir.hpp"
#include "protocol/json_rpc.hpp"
#include "protocol/messages.hpp"
#include "protocol/methods.hpp"
#include "util/file_io.hpp"

namespace vscsi {
namespace json = boost::json;

std::filesystem::path socket_path_for(const CommandContext& ctx) {
    return ctx.socket.empty() ? daemon::socket_path_for_data_dir(ctx.data_dir, default_data_dir())
                              : ctx.socket;
}

namespace {

int try_connect(const std::filesystem::path& path, int& err) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        err = errno;
        return -1;
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.native().size() >= sizeof addr.sun_path) {
        ::close(fd);
        err = ENAMETOOLONG;
        return -1;
    }
    std::strcpy(addr.sun_path, path.c_str());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        err = errno;
        ::close(fd);
        return -1;
    }
    return fd;
}

// Double fork: the daemon is re-parented to init and never becomes our zombie.
void start_daemon(const CommandContext& ctx, const std::vector<std::string>& serve_args) {
    char self[4096];
    const auto n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        throw DaemonUnreachable(
            "cannot find the vscsi executable to start the daemon: run `vscsi serve &`");
    self[n] = '\0';
    std::error_code ec;
    std::filesystem::create_directories(ctx.data_dir, ec);
    const auto log_path = (ctx.data_dir / "daemon.log").string();
    std::vector<std::string> args{self, "serve", "--data-dir", ctx.data_dir.string()};
    if (!ctx.config.empty()) args.insert(args.end(), {"--config", ctx.config.string()});
    if (!ctx.socket.empty()) args.insert(args.end(), {"--socket", ctx.socket.string()});
    args.insert(args.end(), serve_args.begin(), serve_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t child = ::fork();
    if (child < 0)
        throw DaemonUnreachable(
            fmt::format("cannot start the daemon: fork: {}", std::strerror(errno)));
    if (child == 0) {
        ::setsid();
        if (::fork() != 0) ::_exit(0);
        const int null = ::open("/dev/null", O_RDWR);
        const int logfd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        ::dup2(null, STDIN_FILENO);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(logfd >= 0 ? logfd : null, STDERR_FILENO);
        ::execv(self, argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
}

}  // namespace

DaemonClient DaemonClient::connect(const CommandContext& ctx,
                                   const std::vector<std::string>& serve_args) {
    auto c = connect_any(ctx, serve_args);
    c.check_data_dir(ctx);
    return c;
}

void DaemonClient::check_data_dir(const CommandContext& ctx) {
    // A daemon serves one data directory: another one's would create and list
    // jobs where this command was not asked to look.
    const auto st =
        request<protocol::DaemonStatus>(protocol::method::daemon_status, protocol::Empty{}, 30);
    if (daemon::same_data_dir(st.data_dir, ctx.data_dir)) return;
    throw DaemonUnreachable(fmt::format(
        "the vscsi daemon on {} serves the data directory {}, not {}: give the socket of "
        "{}'s daemon (--socket), or leave --socket out and vscsi uses (or starts) that "
        "directory's own daemon",
        st.socket, st.data_dir, ctx.data_dir.string(), ctx.data_dir.string()));
}

DaemonClient DaemonClient::connect_any(const CommandContext& ctx,
                                       const std::vector<std::string>& serve_args) {
    const auto path = socket_path_for(ctx);
    int err = 0;
    if (int fd = try_connect(path, err); fd >= 0) return DaemonClient(fd);
    // The data directory's daemon may listen elsewhere (started with another
    // XDG_RUNTIME_DIR, e.g. from a login shell when this is cron): use it.
    if (ctx.socket.empty()) {
        std::string recorded;
        if (!read_file(ctx.data_dir / "daemon.socket", recorded)) {
            while (!recorded.empty() && (recorded.back() == '\n' || recorded.back() == '\r'))
                recorded.pop_back();
            int other_err = 0;
            if (!recorded.empty() && recorded != path.string())
                if (int fd = try_connect(recorded, other_err); fd >= 0) return DaemonClient(fd);
        }
    }
    if (ctx.no_autostart)
        throw DaemonUnreachable(
            fmt::format("no vscsi daemon answers on {} ({}): start one with `vscsi serve &` or "
                        "`systemctl --user start vscsi.socket` (job commands start one themselves "
                        "unless --no-autostart is given)",
                        path.string(), std::strerror(err)));
    start_daemon(ctx, serve_args);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        if (int fd = try_connect(path, err); fd >= 0) {
            DaemonClient c(fd);
            c.autostarted_ = true;
            return c;
        }
    }
    throw DaemonUnreachable(
        fmt::format("started a vscsi daemon but it does not answer on {} ({}): see {}",
                    path.string(), std::strerror(err), (ctx.data_dir / "daemon.log").string()));
}

DaemonClient::DaemonClient(DaemonClient&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      buffer_(std::move(o.buffer_)),
      next_id_(o.next_id_),
      autostarted_(o.autostarted_) {}

DaemonClient::~DaemonClient() {
    if (fd_ >= 0) ::close(fd_);
}

void DaemonClient::wait_until_gone(int seconds) {
    for (int i = 0; i < seconds * 10; ++i) {
        try {
            (void)call(protocol::method::daemon_status, protocol::Empty{}, 1);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } catch (const DaemonUnreachable&) {
            return;
        }
    }
}

void DaemonClient::stop_if_started_for_nothing() noexcept {
    if (!autostarted_) return;
    try {
        protocol::StopDaemon ask;
        ask.if_idle = true;
        const auto r = request<protocol::DaemonStopping>(protocol::method::daemon_stop, ask, 5);
        if (r.stopping) wait_until_gone(5);
    } catch (const std::exception&) {
        // The refusal being reported matters more; a daemon left idle does no harm.
    }
}

DaemonError DaemonClient::unreadable_answer(std::string_view method, const std::string& why) {
    return DaemonError(protocol::rpc_code::internal_error,
                       fmt::format("the daemon's answer to {} cannot be read ({}): a daemon of "
                                   "another vscsi version? restart it with `vscsi daemon stop`",
                                   method, why));
}

json::value DaemonClient::call(std::string_view method, const json::object& params,
                               int timeout_seconds) {
    const auto id = next_id_++;
    const auto line = protocol::encode_request(id, method, params) + "\n";
    for (std::size_t off = 0; off < line.size();) {
        const auto n = ::send(fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            // The daemon may have refused us with a reason before closing: read it.
            const auto why = std::string(std::strerror(errno));
            char buf[4096];
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 200) > 0)
                if (const auto got = ::recv(fd_, buf, sizeof buf, 0); got > 0) {
                    const std::string text(buf, static_cast<std::size_t>(got));
                    try {
                        const auto reply =
                            protocol::parse_reply_line(text.substr(0, text.find('\n')));
                        if (reply.error) throw DaemonUnreachable(reply.error->message);
                    } catch (const std::runtime_error& e) {
                        if (dynamic_cast<const DaemonUnreachable*>(&e)) throw;
                    }
                }
            throw DaemonUnreachable(fmt::format("lost the connection to the daemon: {}", why));
        }
        off += static_cast<std::size_t>(n);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    std::size_t scanned = 0;  // no newline before here: a long answer is not rescanned
    for (;;) {
        if (const auto nl = buffer_.find('\n', scanned); nl != std::string::npos) {
            auto reply = protocol::parse_reply_line(std::string_view(buffer_).substr(0, nl));
            buffer_.erase(0, nl + 1);
            scanned = 0;
            if (reply.error) {
                if (reply.error->code == protocol::rpc_code::forbidden)
                    throw DaemonUnreachable(reply.error->message);
                throw DaemonError(reply.error->code, reply.error->message);
            }
            if (!(reply.id.is_int64() && reply.id.as_int64() == id)) continue;  // not ours
            return std::move(reply.result);  // keeps its parse arena
        }
        scanned = buffer_.size();
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            throw DaemonUnreachable(
                fmt::format("the daemon did not answer {} within {} s", method, timeout_seconds));
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char buf[65536];
        const auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            throw DaemonUnreachable(
                "the daemon closed the connection (did it stop or crash? see daemon.log)");
        buffer_.append(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace vscsi
