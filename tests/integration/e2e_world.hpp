#pragma once
// What the end-to-end tests share: one user's world (runtime dir with the
// daemon socket, data dir, the daemon its clients autostart), processes run in
// the background, and waits on conditions (a file appears, a state is reached)
// instead of fixed sleeps, so a busy machine only makes them slower.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "sshd_fixture.hpp"

namespace vscsi::test {

// Polls `done` until it holds; fails the test naming `what` after `timeout`.
template <class Condition>
void eventually(Condition done, const std::string& what,
                std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        INFO("waited " << timeout.count() / 1000.0 << " s for: " << what);
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

// One user's world: runtime dir (socket), data dir, and the daemon it autostarts.
struct World {
    ScratchDir tmp;
    std::filesystem::path rt = tmp.path() / "rt";
    // The user's default data directory ($XDG_DATA_HOME/vscsi): its daemon
    // listens on RT/vscsi/vscsi.sock (another directory's on a socket of its own).
    std::filesystem::path data = tmp.path() / "vscsi";

    World() {
        std::filesystem::create_directories(rt);
        std::filesystem::permissions(rt, std::filesystem::perms::owner_all);
    }
    ~World() {
        run(vscsi("--no-autostart daemon stop"));
        if (auto pid = daemon_pid()) ::kill(pid, SIGKILL);
    }
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    std::string vscsi(const std::string& args) const {
        return "env XDG_RUNTIME_DIR=" + shell_quote(rt) +
               " XDG_DATA_HOME=" + shell_quote(tmp.path()) + " " + vscsi_bin() + " --data-dir " +
               shell_quote(data) + " " + args;
    }
    std::filesystem::path socket() const { return rt / "vscsi" / "vscsi.sock"; }
    std::string log() const {
        return std::filesystem::exists(data / "daemon.log") ? read_text(data / "daemon.log")
                                                            : std::string{};
    }
    // The daemon holding the data directory's lock, if one runs.
    pid_t daemon_pid() const {
        if (!std::filesystem::exists(data / "daemon.lock")) return 0;
        const auto text = read_text(data / "daemon.lock");
        const pid_t pid = text.empty() ? 0 : static_cast<pid_t>(std::stol(text));
        return pid > 0 && ::kill(pid, 0) == 0 &&
                       run("flock -n " + shell_quote(data / "daemon.lock") + " true").exit_code != 0
                   ? pid
                   : 0;
    }
    boost::json::object call_json(const std::string& args) const {
        const auto r = run(vscsi("--json " + args));
        INFO(args << "\n" << r.out << r.err << log());
        REQUIRE(r.exit_code == 0);
        return boost::json::parse(r.out).as_object();
    }
    boost::json::object status(const std::string& job) const {
        return call_json("job status " + job);
    }
    std::filesystem::path job_dir(const std::string& job) const { return data / "jobs" / job; }
};

inline std::string ssh_args(const SshdFixture& sshd) {
    return " --port " + std::to_string(sshd.port()) + " --user " + sshd.user() + " --key " +
           shell_quote(sshd.client_key()) + " --known-hosts " +
           shell_quote(sshd.dir() / "known_hosts") +
           " --accept-new-host-key --ssh-config none --no-agent";
}

// A command run in the background through /bin/sh (stdout and stderr to `log`).
class Background {
  public:
    Background(const std::string& cmd, const std::filesystem::path& log) {
        pid_ = ::fork();
        if (pid_ == 0) {
            const auto full = "exec " + cmd + " > " + shell_quote(log) + " 2>&1";
            ::execl("/bin/sh", "sh", "-c", full.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~Background() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            wait();
        }
    }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    pid_t pid() const { return pid_; }
    void signal(int sig) const { ::kill(pid_, sig); }
    // Its exit code (128 + N when killed by signal N).
    int wait() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

  private:
    pid_t pid_ = -1;
};

// `vscsi serve ARGS` in the background, answering on the world's socket.
inline std::unique_ptr<Background> start_daemon(const World& w, const std::string& args) {
    auto d = std::make_unique<Background>(w.vscsi("serve " + args), w.tmp.path() / "serve.log");
    eventually([&] { return std::filesystem::exists(w.socket()); }, "the daemon's socket");
    return d;
}

inline std::size_t samples_on_disk(const std::filesystem::path& job_dir) {
    std::size_t k = 0;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(job_dir / "samples", ec), end; !ec && it != end;
         it.increment(ec))
        k += it->path().filename().string().front() != '.';
    return k;
}

// Until the job has written `n` samples (the SSH login alone can take seconds
// on a loaded machine).
inline void wait_for_samples(const std::filesystem::path& job_dir, std::size_t n) {
    eventually([&] { return samples_on_disk(job_dir) >= n; },
               std::to_string(n) + " sample(s) in " + job_dir.string());
}

// Until the daemon reports `n` collected samples of `job`.
inline void wait_for_collected(const World& w, const std::string& job, int n) {
    eventually([&] { return w.status(job).at("samples_collected").to_number<int>() >= n; },
               job + " to collect " + std::to_string(n) + " sample(s)");
}

// Until no job of `jobs` runs any more.
inline void wait_finished(const World& w, const std::vector<std::string>& jobs, int seconds) {
    for (const auto& j : jobs)
        eventually(
            [&] {
                const auto st = w.status(j);
                return !st.at("live").as_bool() && st.at("status").as_string() != "running";
            },
            j + " to finish", std::chrono::seconds(seconds));
}

}  // namespace vscsi::test
