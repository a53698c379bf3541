#include "collect/host_link.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "sim/esxi_host_sim.hpp"

namespace vscsi::collect {
namespace asio = boost::asio;

HostLink::HostLink(asio::any_io_executor ex, ssh::SshParams params, std::filesystem::path data_dir)
    : ex_(ex), params_(std::move(params)), connected_(ex, asio::steady_timer::time_point::max()) {
    if (is_simulated(params_.host)) {
        sim_dir_ = simulated_state_dir(data_dir, params_.host);
        sim::init_host(sim_dir_, sim::demo_host_json(), true);
    }
}

std::filesystem::path HostLink::simulated_state_dir(const std::filesystem::path& data_dir,
                                                    std::string_view host) {
    std::string name(host.substr(4));
    for (auto& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
    return data_dir / "sim" / (name.empty() ? std::string("demo") : name);
}

std::string HostLink::fingerprint() const {
    if (!sim_dir_.empty()) return "SHA256:simulated-host";
    return conn_ ? conn_->fingerprint() : std::string{};
}

void HostLink::close() {
    if (conn_) conn_->close();
    conn_.reset();
}

asio::awaitable<std::optional<ssh::SshError>> HostLink::ensure_connected() {
    if (!sim_dir_.empty()) co_return std::nullopt;
    if (conn_ && conn_->is_open()) co_return std::nullopt;
    if (connecting_) {  // another caller is connecting: wait for its result
        co_await connected_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (conn_ && conn_->is_open()) co_return std::nullopt;
        co_return last_error_;
    }
    connecting_ = true;
    conn_.reset();
    auto r = co_await ssh::SshConnection::connect(ex_, params_);
    connecting_ = false;
    if (r) {
        conn_ = *r;
        last_error_.reset();
    } else {
        last_error_ = r.error();
    }
    connected_.cancel();
    co_return last_error_;
}

asio::awaitable<CommandOutcome> HostLink::exec(std::string command,
                                               std::chrono::milliseconds timeout) {
    if (!sim_dir_.empty()) {
        // Short file operations under a lock: run inline, the loop barely notices.
        auto r = sim::run_host_command(sim_dir_, sim::split_words(command));
        CommandOutcome o;
        o.exit_status = r.exit_status;
        o.out = std::move(r.out);
        o.err = std::move(r.err);
        co_return o;
    }
    if (auto e = co_await ensure_connected()) {
        CommandOutcome o;
        o.delivered = false;
        o.transport_error = e->message;
        o.fatal = e->kind == ssh::SshError::Kind::host_key || e->kind == ssh::SshError::Kind::auth;
        co_return o;
    }
    auto conn = conn_;
    co_return co_await conn->exec(std::move(command), timeout);
}

}  // namespace vscsi::collect
