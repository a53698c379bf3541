#include "daemon/metrics_server.hpp"

#include <fmt/core.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <stdexcept>

#include "daemon/log.hpp"

namespace vscsi::daemon {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Result<tcp::endpoint> parse_listen_address(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos)
        return Error{ErrorKind::usage,
                     fmt::format("--metrics-listen '{}': expected ADDRESS:PORT", text),
                     "e.g. --metrics-listen 127.0.0.1:9477"};
    auto host = text.substr(0, colon);
    const auto port_text = text.substr(colon + 1);
    unsigned long port = 0;
    const auto [end, parse_ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (parse_ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
        return Error{
            ErrorKind::usage,
            fmt::format("--metrics-listen '{}': '{}' is not a port number", text, port_text),
            "give a port from 0 to 65535"};
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "127.0.0.1";
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(host, ec);
    if (ec)
        return Error{ErrorKind::usage,
                     fmt::format("--metrics-listen '{}': '{}' is not an IP address", text, host),
                     "give an address such as 127.0.0.1 or [::1]"};
    return tcp::endpoint{addr, static_cast<unsigned short>(port)};
}

MetricsServer::MetricsServer(asio::any_io_executor ex, const tcp::endpoint& where,
                             std::function<std::string()> render)
    : acceptor_(ex, where), bound_(acceptor_.local_endpoint()), render_(std::move(render)) {}

void MetricsServer::start() {
    asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

void MetricsServer::close() {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

asio::awaitable<void> MetricsServer::accept_loop() {
    while (acceptor_.is_open()) {
        auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
            continue;
        }
        asio::co_spawn(acceptor_.get_executor(), serve(std::move(sock)), asio::detached);
    }
}

asio::awaitable<void> MetricsServer::serve(tcp::socket sock) {
    std::string request;
    auto [ec, n] = co_await asio::async_read_until(sock, asio::dynamic_buffer(request, 8192),
                                                   "\r\n\r\n", asio::as_tuple(asio::use_awaitable));
    std::string status = "200 OK", type = "text/plain; version=0.0.4; charset=utf-8", body;
    if (ec == asio::error::not_found) {
        status = "431 Request Header Fields Too Large";
    } else if (ec) {
        co_return;
    } else {
        const auto line = request.substr(0, request.find("\r\n"));
        const auto sp1 = line.find(' ');
        const auto sp2 = line.find(' ', sp1 + 1);
        const auto method = line.substr(0, sp1);
        auto target =
            sp1 == std::string::npos ? std::string{} : line.substr(sp1 + 1, sp2 - sp1 - 1);
        target = target.substr(0, target.find('?'));
        if (method != "GET" && method != "HEAD") {
            status = "405 Method Not Allowed";
        } else if (target != "/metrics" && target != "/") {
            status = "404 Not Found";
            body = "vscsi serves metrics at /metrics\n";
        } else {
            body = render_();
            if (method == "HEAD") body.clear();
        }
        if (status != "200 OK") type = "text/plain; charset=utf-8";
    }
    const auto response = fmt::format(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        status, type, body.size(), body);
    co_await asio::async_write(sock, asio::buffer(response), asio::as_tuple(asio::use_awaitable));
    boost::system::error_code ignore;
    sock.shutdown(tcp::socket::shutdown_both, ignore);
}

}  // namespace vscsi::daemon
