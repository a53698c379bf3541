#include "collect/host_link.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vscsi::collect {
namespace asio = boost::asio;

HostLink::HostLink(asio::any_io_executor ex, ssh::SshParams params)
    : ex_(ex), params_(std::move(params)), connected_(ex, asio::steady_timer::time_point::max()) {}

void HostLink::close() {
    if (conn_) conn_->close();
    conn_.reset();
}

asio::awaitable<std::optional<ssh::SshError>> HostLink::ensure_connected() {
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

asio::awaitable<CommandOutcome> HostLink::exec(std::string command, std::chrono::milliseconds timeout) {
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
