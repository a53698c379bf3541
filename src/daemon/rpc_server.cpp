#include "daemon/rpc_server.hpp"

#include <fmt/core.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "daemon/log.hpp"
#include "daemon/rate_limiter.hpp"
#include "util/error.hpp"

namespace vscsi::daemon {
using namespace vscsi::protocol;  // the codec's names: RpcItem, encode_error, ...
namespace asio = boost::asio;
using local = asio::local::stream_protocol;

RpcServer::RpcServer(local::acceptor acceptor, Handler handler, RpcLimits limits)
    : acceptor_(std::move(acceptor)), handler_(std::move(handler)), limits_(limits) {}

void RpcServer::start() {
    asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

void RpcServer::close() {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

asio::awaitable<void> RpcServer::accept_loop() {
    while (acceptor_.is_open()) {
        auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
            log(LogLevel::warning, "accept failed: {}", ec.message());
            continue;  // e.g. EMFILE: keep serving the clients we have
        }
        asio::co_spawn(acceptor_.get_executor(), serve_client(std::move(sock)), asio::detached);
    }
}

namespace {
std::optional<uid_t> peer_uid(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return std::nullopt;
    return cred.uid;
}
}  // namespace

asio::awaitable<std::string> RpcServer::answer(const RpcItem& item) {
    if (item.error) co_return encode_error(item.id, *item.error);
    const auto& req = *item.request;
    std::optional<RpcError> err;
    RpcResult result;
    try {
        result = co_await handler_(req);
    } catch (const RpcFailure& e) {
        err = RpcError{e.code(), e.what()};
    } catch (const std::exception& e) {
        log(LogLevel::error, "method {} failed: {}", req.method, vscsi::exception_text(e));
        err = RpcError{rpc_code::internal_error, vscsi::exception_text(e)};
    }
    if (req.notification) co_return std::string{};
    if (err) co_return encode_error(req.id, *err);
    co_return std::visit([&](const auto& r) { return encode_result(req.id, r); }, result);
}

namespace {
// Takes a named string: GCC 12 may destroy temporaries inside a co_await
// expression twice, so call sites never build the line in the co_await itself.
asio::awaitable<bool> write_line(local::socket& sock, std::string& line) {
    line += '\n';
    auto [ec, n] =
        co_await asio::async_write(sock, asio::buffer(line), asio::as_tuple(asio::use_awaitable));
    co_return !ec;
}
}  // namespace

asio::awaitable<void> RpcServer::serve_client(local::socket sock) {
    struct Count {
        std::shared_ptr<std::size_t> n;
        explicit Count(std::shared_ptr<std::size_t> c) : n(std::move(c)) { ++*n; }
        ~Count() { --*n; }
    } count(clients_);
    std::string out;
    const auto uid = peer_uid(sock.native_handle());
    if (!uid || *uid != ::geteuid()) {
        log(LogLevel::warning, "refused a client of uid {}: this daemon serves uid {} only",
            uid ? static_cast<long>(*uid) : -1L, static_cast<long>(::geteuid()));
        out = encode_error(nullptr,
                           {rpc_code::forbidden, "this vscsi daemon belongs to another user"});
        co_await write_line(sock, out);
        co_return;
    }
    const auto waiting_list = waiting_;  // outlives the server if need be, like the count
    if (*clients_ > limits_.max_clients) {
        // Room for a client that talks: the one idle longest goes.
        auto oldest = std::find_if(waiting_list->begin(), waiting_list->end(),
                                   [](const Waiting& w) { return w.sock != nullptr; });
        if (oldest == waiting_list->end()) {
            out =
                encode_error(nullptr, {rpc_code::rate_limited,
                                       fmt::format("too many clients (more than {}): retry shortly",
                                                   limits_.max_clients)});
            co_await write_line(sock, out);
            co_return;
        }
        log(LogLevel::notice, "{} clients: closing the one idle longest to make room",
            *clients_ - 1);
        boost::system::error_code ignored;
        oldest->sock->close(ignored);
        oldest->sock = nullptr;
    }
    RateLimiter limiter(limits_.requests_per_second, limits_.burst);
    std::string buffer;
    asio::steady_timer idle(sock.get_executor());
    // The timer's handler may run after this frame is gone: it reaches the
    // socket only through this token, destroyed before the socket.
    auto token = std::make_shared<local::socket*>(&sock);
    for (;;) {
        const auto waiting =
            waiting_list->insert(waiting_list->end(), {std::chrono::steady_clock::now(), &sock});
        idle.expires_after(limits_.idle_timeout);
        idle.async_wait([weak = std::weak_ptr(token)](boost::system::error_code ec) {
            if (ec) return;
            if (auto s = weak.lock()) {
                boost::system::error_code ignored;
                (*s)->close(ignored);  // ends the pending read: no request in time
            }
        });
        auto [ec, n] = co_await asio::async_read_until(
            sock, asio::dynamic_buffer(buffer, limits_.max_request_bytes), '\n',
            asio::as_tuple(asio::use_awaitable));
        idle.cancel();
        waiting_list->erase(waiting);
        if (ec == asio::error::not_found) {  // no newline within the limit
            out = encode_error(
                nullptr, {rpc_code::invalid_request,
                          fmt::format("request longer than {} bytes", limits_.max_request_bytes)});
            co_await write_line(sock, out);
            co_return;
        }
        if (ec) co_return;  // the client went away
        std::string line = buffer.substr(0, n - 1);
        buffer.erase(0, n);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        if (!limiter.allow(RateLimiter::Clock::now())) {
            out = encode_error(nullptr, {rpc_code::rate_limited, "too many requests: slow down"});
        } else {
            const auto parsed = parse_request_line(line);
            std::vector<std::string> responses;
            for (const auto& item : parsed.items) {
                std::string r = co_await answer(item);
                if (!r.empty()) responses.push_back(std::move(r));
            }
            out = parsed.batch ? encode_batch(responses)
                               : (responses.empty() ? std::string{} : responses.front());
        }
        if (out.empty()) continue;
        const bool sent = co_await write_line(sock, out);
        if (!sent) co_return;
    }
}

}  // namespace vscsi::daemon
