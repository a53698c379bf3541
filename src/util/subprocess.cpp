#include "util/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

extern char** environ;

namespace vscsi {
namespace {

namespace sys = boost::system;

sys::error_code last_error() {
    return {errno, sys::system_category()};
}

class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return fd_; }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

}  // namespace

std::optional<std::filesystem::path> find_program(std::string_view name) {
    if (name.find('/') != std::string_view::npos) {
        if (::access(std::string(name).c_str(), X_OK) == 0) return std::filesystem::path(name);
        return std::nullopt;
    }
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    while (!dirs.empty()) {
        const auto colon = dirs.find(':');
        const auto dir = dirs.substr(0, colon);
        dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
        if (dir.empty()) continue;
        const auto candidate = std::filesystem::path(dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return std::nullopt;
}

sys::result<ProcessResult> run_process(const std::vector<std::string>& argv, std::string_view input,
                                       std::chrono::milliseconds timeout) {
    if (argv.empty()) return sys::error_code(EINVAL, sys::system_category());
    // stdin is a socket so that writing to a child that already exited gives
    // EPIPE (MSG_NOSIGNAL) instead of killing us with SIGPIPE.
    int in_pair[2], out_pipe[2], err_pipe[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0) return last_error();
    Fd in_parent(in_pair[0]), in_child(in_pair[1]);
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return last_error();
    Fd out_parent(out_pipe[0]), out_child(out_pipe[1]);
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) return last_error();
    Fd err_parent(err_pipe[0]), err_child(err_pipe[1]);
    ::shutdown(in_child.get(), SHUT_WR);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_child.get(), 0);
    posix_spawn_file_actions_adddup2(&actions, out_child.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, err_child.get(), 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return sys::error_code(rc, sys::system_category());
    in_child.reset();
    out_child.reset();
    err_child.reset();
    for (int fd : {in_parent.get(), out_parent.get(), err_parent.get()})
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);

    ProcessResult r;
    std::size_t written = 0;
    if (input.empty()) in_parent.reset();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[65536];
    while (out_parent.get() >= 0 || err_parent.get() >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            r.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd fds[3] = {{in_parent.get(), POLLOUT, 0},
                         {out_parent.get(), POLLIN, 0},
                         {err_parent.get(), POLLIN, 0}};
        if (::poll(fds, 3, static_cast<int>(left.count())) < 0) {
            if (errno == EINTR) continue;
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            return last_error();
        }
        if (fds[0].revents & (POLLOUT | POLLERR | POLLHUP)) {
            const auto n = ::send(in_parent.get(), input.data() + written, input.size() - written,
                                  MSG_NOSIGNAL);
            if (n > 0) written += static_cast<std::size_t>(n);
            if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size())
                in_parent.reset();
        }
        for (int i : {1, 2}) {
            if (!(fds[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
            auto& fd = i == 1 ? out_parent : err_parent;
            const auto n = ::read(fd.get(), buf, sizeof buf);
            if (n > 0)
                (i == 1 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
            else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                fd.reset();
        }
    }
    in_parent.reset();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        r.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        r.signal = WTERMSIG(status);
    return r;
}

}  // namespace vscsi
