#include "ssh/proxy_command.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

namespace vscsi::ssh {

namespace {

// Words a shell would treat specially: then the command goes to /bin/sh.
bool needs_shell(const std::string& c) {
    return c.find_first_of("|&;<>()$`\\\"'*?[]#~=\n{}") != std::string::npos;
}

std::vector<std::string> words(const std::string& c) {
    std::vector<std::string> w;
    std::string cur;
    for (char ch : c) {
        if (ch == ' ' || ch == '\t') {
            if (!cur.empty()) w.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += ch;
        }
    }
    if (!cur.empty()) w.push_back(std::move(cur));
    return w;
}

}  // namespace

std::string expand_proxy_tokens(const std::string& command, const std::string& host, unsigned port,
                                const std::string& user, const std::string& original) {
    std::string out;
    for (std::size_t i = 0; i < command.size(); ++i) {
        if (command[i] != '%' || i + 1 == command.size()) {
            out += command[i];
            continue;
        }
        switch (command[++i]) {
            case 'h':
                out += host;
                break;
            case 'p':
                out += std::to_string(port);
                break;
            case 'r':
                out += user;
                break;
            case 'n':
                out += original;
                break;
            case '%':
                out += '%';
                break;
            default:
                out += '%', out += command[i];
        }
    }
    return out;
}

ProxyProcess::ProxyProcess(ProxyProcess&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      fd_(std::exchange(o.fd_, -1)),
      err_fd_(std::exchange(o.err_fd_, -1)) {}

ProxyProcess& ProxyProcess::operator=(ProxyProcess&& o) noexcept {
    if (this != &o) {
        stop();
        pid_ = std::exchange(o.pid_, -1);
        fd_ = std::exchange(o.fd_, -1);
        err_fd_ = std::exchange(o.err_fd_, -1);
    }
    return *this;
}

ProxyProcess::~ProxyProcess() {
    stop();
}

Result<ProxyProcess> ProxyProcess::start(const std::string& command) {
    int sv[2];
    int errp[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return Error{
            ErrorKind::failure,
            fmt::format("ProxyCommand: cannot make a socket pair: {}", std::strerror(errno)), ""};
    if (::pipe2(errp, O_CLOEXEC) != 0) {
        ::close(sv[0]);
        ::close(sv[1]);
        return Error{ErrorKind::failure,
                     fmt::format("ProxyCommand: cannot make a pipe: {}", std::strerror(errno)), ""};
    }
    std::vector<std::string> argv =
        needs_shell(command) ? std::vector<std::string>{"/bin/sh", "-c", "exec " + command}
                             : words(command);
    if (argv.empty())
        return Error{ErrorKind::usage, "ProxyCommand is empty", "give a command, or none"};
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(sv[1], 0);
        ::dup2(sv[1], 1);
        ::dup2(errp[1], 2);
        ::setpgid(0, 0);  // a Ctrl-C for vscsi is not the proxy's to see twice
        ::execvp(cargv[0], cargv.data());
        const auto msg = fmt::format("cannot run {}: {}\n", argv[0], std::strerror(errno));
        (void)!::write(2, msg.data(), msg.size());
        ::_exit(127);
    }
    ::close(sv[1]);
    ::close(errp[1]);
    if (pid < 0) {
        ::close(sv[0]);
        ::close(errp[0]);
        return Error{ErrorKind::failure,
                     fmt::format("ProxyCommand: cannot start it: {}", std::strerror(errno)), ""};
    }
    ::fcntl(sv[0], F_SETFL, ::fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    ::fcntl(errp[0], F_SETFL, ::fcntl(errp[0], F_GETFL) | O_NONBLOCK);
    ProxyProcess p;
    p.pid_ = pid;
    p.fd_ = sv[0];
    p.err_fd_ = errp[0];
    return p;
}

int ProxyProcess::take_fd() {
    return std::exchange(fd_, -1);
}

std::string ProxyProcess::error_text() {
    std::string text;
    if (err_fd_ < 0) return text;
    char buf[4096];
    const auto n = ::read(err_fd_, buf, sizeof buf);
    if (n > 0) text.assign(buf, static_cast<std::size_t>(n));
    for (auto& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

void ProxyProcess::stop() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        bool gone = false;
        for (int i = 0; i < 50 && !gone; ++i) {
            gone = ::waitpid(pid_, &status, WNOHANG) == pid_;
            if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        if (!gone) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
        }
        pid_ = -1;
    }
    if (err_fd_ >= 0) ::close(std::exchange(err_fd_, -1));
}

}  // namespace vscsi::ssh
