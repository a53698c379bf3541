#pragma once
// A throwaway OpenSSH server on 127.0.0.1 for tests: generated host and client
// keys, a free high port, the simulated ESXi tools first on the PATH of every
// session. Works as root and as an unprivileged user.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "process.hpp"

namespace vscsi::test {

inline std::string env_or(const char* name, const char* def) {
    const char* v = std::getenv(name);
    return v && *v ? v : def;
}

inline unsigned free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

class SshdFixture {
  public:
    explicit SshdFixture(const std::string& host_json = "") {
        root_ = dir_.path();
        const auto sim = env_or("VSCSI_ESXI_SIM", "");
        REQUIRE(!sim.empty());
        std::filesystem::create_directories(root_ / "bin");
        for (const char* tool : {"vscsiStats", "esxcli", "vim-cmd"})
            std::filesystem::create_symlink(sim, root_ / "bin" / tool);
        sim_dir_ = root_ / "sim";
        const auto hj = host_json.empty() ? env_or("VSCSI_SIM_HOST_JSON", "") : host_json;
        REQUIRE(run("VSCSI_SIM_DIR=" + shell_quote(sim_dir_) + " " + shell_quote(sim) +
                    " admin init " + shell_quote(hj))
                    .exit_code == 0);
        for (const char* k : {"host_key", "client_key", "other_key"})
            REQUIRE(run("ssh-keygen -q -t ed25519 -N '' -f " + shell_quote(root_ / k)).exit_code ==
                    0);
        std::filesystem::copy_file(root_ / "client_key.pub", root_ / "authorized_keys");
        if (::geteuid() == 0) std::filesystem::create_directories("/run/sshd");
        start();
    }
    ~SshdFixture() { stop(); }

    // Starts sshd again on the same port (after stop()), as a host coming back.
    void restart() {
        for (int attempt = 0; attempt < 50 && pid_ <= 0; ++attempt) {
            launch();
            if (!wait_ready()) {
                stop();
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
        REQUIRE(pid_ > 0);
    }

    // Kills the listener and every session it spawned: connections drop.
    void kill_all() {
        if (pid_ <= 0) return;
        run("pkill -KILL -P " + std::to_string(pid_));
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    void start() {
        for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
            port_ = free_port();
            write_text(root_ / "sshd_config",
                       "Port " + std::to_string(port_) + "\nListenAddress 127.0.0.1\nHostKey " +
                           (root_ / "host_key").string() + "\nPidFile " +
                           (root_ / "sshd.pid").string() + "\nAuthorizedKeysFile " +
                           (root_ / "authorized_keys").string() +
                           "\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM "
                           "no\nStrictModes no\n"
                           "PermitRootLogin prohibit-password\nMaxSessions 200\nMaxStartups "
                           "200\nLogLevel QUIET\n"
                           // SHLVL=1: bash starts at level 2 and skips ~/.bashrc, whose
                           // pyenv hooks serialise on a lock (TOOLCHAIN-NOTES section 6).
                           "SetEnv SHLVL=1 PATH=" +
                           (root_ / "bin").string() +
                           ":/usr/bin:/bin VSCSI_SIM_DIR=" + sim_dir_.string() + "\n");
            launch();
            if (!wait_ready()) stop();
        }
        REQUIRE(pid_ > 0);
    }

    void launch() {
        const auto log = (root_ / "sshd.log").string();
        const pid_t pid = ::fork();
        if (pid == 0) {
            // Never outlive the test process, and never hold the test runner's
            // output pipe (a leftover sshd would keep `meson test` waiting).
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
            if (fd >= 0) {
                ::dup2(fd, STDOUT_FILENO);
                ::dup2(fd, STDERR_FILENO);
                ::close(fd);
            }
            ::execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-e", "-f",
                    (root_ / "sshd_config").c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        pid_ = pid;
    }

    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
        // A per-connection child may still hold a copy of the listening socket
        // for a moment (between fork and exec): wait until the port refuses.
        for (int i = 0; i < 100 && accepts(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    unsigned port() const { return port_; }
    std::filesystem::path client_key() const { return root_ / "client_key"; }
    std::filesystem::path other_key() const { return root_ / "other_key"; }
    std::filesystem::path host_pub() const { return root_ / "host_key.pub"; }
    std::filesystem::path dir() const { return root_; }
    std::filesystem::path sim_dir() const { return sim_dir_; }
    std::string user() const { return env_or("USER", ::geteuid() == 0 ? "root" : ""); }
    // The simulated host's state (collections, faults) as JSON text.
    std::string sim_state() const {
        return run("VSCSI_SIM_DIR=" + shell_quote(sim_dir_) + " " +
                   shell_quote(env_or("VSCSI_ESXI_SIM", "")) + " admin show")
            .out;
    }
    int admin(const std::string& args) const {
        return run("VSCSI_SIM_DIR=" + shell_quote(sim_dir_) + " " +
                   shell_quote(env_or("VSCSI_ESXI_SIM", "")) + " admin " + args)
            .exit_code;
    }

  private:
    bool accepts() const {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port_));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        return up;
    }

    bool wait_ready() {
        for (int i = 0; i < 250; ++i) {
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return false;  // exited: port taken or bad config
            }
            if (accepts()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    ScratchDir dir_;
    std::filesystem::path root_, sim_dir_;
    unsigned port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace vscsi::test
