#pragma once
// The daemon's JSON-RPC endpoint on a Unix stream socket: one coroutine per
// client, newline-delimited requests, bounded in size and rate, peers of
// another uid refused (SO_PEERCRED). A bad request gets a JSON-RPC error;
// nothing a client sends can take the daemon down.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <list>
#include <memory>

#include "protocol/json_rpc.hpp"

namespace vscsi::daemon {

using protocol::RpcRequest;
namespace rpc_code = protocol::rpc_code;

struct RpcLimits {
    std::size_t max_request_bytes = 1 << 20;
    double requests_per_second = 200;
    double burst = 400;
    std::size_t max_clients = 256;
    // A client that sends no complete request for this long is disconnected
    // (half a line included); when all places are taken, the longest-idle
    // client makes room for a new one.
    std::chrono::milliseconds idle_timeout{30'000};
};

class RpcServer {
  public:
    // Handlers throw RpcFailure for errors meant for the client.
    using Handler = std::function<boost::asio::awaitable<protocol::RpcResult>(const RpcRequest&)>;

    RpcServer(boost::asio::local::stream_protocol::acceptor acceptor, Handler handler,
              RpcLimits limits = {});
    void start();
    void close();
    std::size_t clients() const { return *clients_; }

  private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> serve_client(boost::asio::local::stream_protocol::socket sock);
    boost::asio::awaitable<std::string> answer(const protocol::RpcItem& item);

    boost::asio::local::stream_protocol::acceptor acceptor_;
    Handler handler_;
    RpcLimits limits_;
    // Shared with the client coroutines: their frames may outlive the server at exit.
    std::shared_ptr<std::size_t> clients_ = std::make_shared<std::size_t>(0);
    // Clients waiting for their next request, oldest first; an evicted one's
    // socket is set to null (its coroutine removes the entry).
    struct Waiting {
        std::chrono::steady_clock::time_point since;
        boost::asio::local::stream_protocol::socket* sock;
    };
    std::shared_ptr<std::list<Waiting>> waiting_ = std::make_shared<std::list<Waiting>>();
};

}  // namespace vscsi::daemon
