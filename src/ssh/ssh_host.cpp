#include "ssh/ssh_host.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vscsi::ssh {
namespace asio = boost::asio;

host::HostError to_host_error(const SshError& e) {
    // Retrying cannot fix a host key, credentials or a config vscsi refuses.
    return {e.message, e.kind == SshError::Kind::host_key || e.kind == SshError::Kind::auth ||
                           e.kind == SshError::Kind::config};
}

SshHost::SshHost(asio::any_io_executor ex, SshParams params)
    : ex_(ex), params_(std::move(params)), connected_(ex, asio::steady_timer::time_point::max()) {}

std::string SshHost::fingerprint() const {
    return conn_ ? conn_->fingerprint() : std::string{};
}

void SshHost::close() {
    if (conn_) conn_->close();
    conn_.reset();
}

asio::awaitable<host::ConnectResult> SshHost::connect() {
    if (conn_ && conn_->is_open()) co_return host::ConnectResult();
    if (connecting_) {  // another caller is connecting: wait for its result
        co_await connected_.async_wait(asio::as_tuple(asio::use_awaitable));
    } else {
        connecting_ = true;
        conn_.reset();
        auto r = co_await SshConnection::connect(ex_, params_);
        connecting_ = false;
        if (r) {
            conn_ = *r;
            last_error_.reset();
        } else {
            last_error_ = r.error();
        }
        connected_.cancel();
    }
    if (conn_ && conn_->is_open()) co_return host::ConnectResult();
    if (last_error_) co_return to_host_error(*last_error_);
    co_return host::HostError{"the connection to " + params_.host + " closed"};
}

asio::awaitable<host::CommandResult> SshHost::run(std::string command,
                                                  std::chrono::milliseconds timeout) {
    if (auto c = co_await connect(); !c) co_return c.error();
    auto conn = conn_;  // the connection outlives this command even if replaced
    auto r = co_await conn->exec(std::move(command), timeout);
    if (!r) co_return to_host_error(r.error());
    co_return host::CommandOutput{r->exit_status, std::move(r->out), std::move(r->err)};
}

}  // namespace vscsi::ssh
