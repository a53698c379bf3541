#pragma once
// govmomi's vSphere simulator (tests/vcsim, built by meson into $VSCSI_VCSIM)
// on a free loopback port for one test, with injected virtualDisk series;
// and a CA plus a server certificate for 127.0.0.1 made with openssl.

#include <csignal>
#include <filesystem>
#include <string>

#include "e2e_world.hpp"

namespace vscsi::test {

inline std::string vcsim_bin() {
    const char* b = std::getenv("VSCSI_VCSIM");
    REQUIRE(b != nullptr);
    return b;
}

class VcsimFixture {
  public:
    // args: extra vcsim flags (-vm N, -page N, -move VM=HOST, -cert/-key).
    VcsimFixture(const std::filesystem::path& dir, const std::string& metrics_json,
                 const std::string& args = "")
        : port_(free_port()) {
        const auto metrics = dir / ("vcsim-metrics-" + std::to_string(port_) + ".json");
        write_text(metrics, metrics_json);
        const auto ready = dir / ("vcsim-ready-" + std::to_string(port_));
        process_ = std::make_unique<Background>(
            vcsim_bin() + " -l 127.0.0.1:" + std::to_string(port_) + " -username " + user() +
                " -password " + password() + " -metrics " + shell_quote(metrics) + " -ready " +
                shell_quote(ready) + " " + args,
            dir / ("vcsim-" + std::to_string(port_) + ".log"));
        log_ = dir / ("vcsim-" + std::to_string(port_) + ".log");
        eventually([&] { return std::filesystem::exists(ready) && !read_text(ready).empty(); },
                   "vcsim to listen");
    }
    unsigned port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    static std::string user() { return "svc-vscsi"; }
    static std::string password() { return "Pw-7c1f-not-in-any-output"; }
    void signal(int sig) const { process_->signal(sig); }
    std::string log() const {
        return std::filesystem::exists(log_) ? read_text(log_) : std::string();
    }

  private:
    unsigned port_;
    std::unique_ptr<Background> process_;
    std::filesystem::path log_;
};

// A CA (ca.pem) and a 127.0.0.1/localhost certificate it signed (server.pem, server.key).
inline void make_certificates(const std::filesystem::path& dir) {
    const auto d = shell_quote(dir);
    const auto r =
        run("cd " + d +
            " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=vscsi-test-ca "
            "-keyout ca.key -out ca.pem"
            " && openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out "
            "server.csr"
            " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext"
            " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
            "-extfile san.ext -out server.pem");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
}

}  // namespace vscsi::test
