#pragma once
// GET /metrics over plain HTTP/1.1 for Prometheus scrapers. One request per
// connection; anything else gets 404/405, a request over 8 KiB gets 431.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <string>

#include "util/error.hpp"

namespace vscsi::daemon {

// "127.0.0.1:9477", "[::1]:9477" or ":9477" (loopback).
Result<boost::asio::ip::tcp::endpoint> parse_listen_address(const std::string& text);

class MetricsServer {
  public:
    MetricsServer(boost::asio::any_io_executor ex, const boost::asio::ip::tcp::endpoint& where,
                  std::function<std::string()> render);
    void start();
    void close();
    // Where it listens, kept from the bind: still answers after close().
    boost::asio::ip::tcp::endpoint local_endpoint() const { return bound_; }

  private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket sock);

    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::ip::tcp::endpoint bound_;
    std::function<std::string()> render_;
};

}  // namespace vscsi::daemon
