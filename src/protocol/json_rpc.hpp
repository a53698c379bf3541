#pragma once
// JSON-RPC 2.0 over newline-delimited JSON: one request (or batch) per line.
// Pure codec: the socket server and the client frame lines and call these.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vscsi::protocol {

namespace rpc_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
// Application codes (JSON-RPC reserves -32000..-32099 for servers).
inline constexpr int failure = -32000;
inline constexpr int not_found = -32001;     // no such job
inline constexpr int conflict = -32002;      // e.g. deleting a running job, a name taken
inline constexpr int host_failure = -32003;  // the ESXi host could not be reached or refused
inline constexpr int bad_data = -32004;      // a job's files are malformed
inline constexpr int rate_limited = -32005;
inline constexpr int forbidden = -32006;  // the peer is another user
}  // namespace rpc_code

// The CLI exit code (0 ok, 1 failure, 2 usage, 3 not found, 5 bad data) for an error code.
int exit_code_for_rpc(int code);

struct RpcError {
    int code = rpc_code::failure;
    std::string message;
};

// Thrown by method handlers; the server turns it into an error response.
class RpcFailure : public std::runtime_error {
  public:
    RpcFailure(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    int code() const { return code_; }

  private:
    int code_;
};

struct RpcRequest {
    boost::json::value id;  // null for notifications
    bool notification = false;
    std::string method;
    boost::json::value params = boost::json::object{};  // always an object (by-name); absent: empty
};

// One element of a request line: a valid request, or the error to answer with.
struct RpcItem {
    std::optional<RpcRequest> request;
    std::optional<RpcError> error;
    boost::json::value id;  // what to answer with (null when unknown)
};

struct RpcLine {
    bool batch = false;
    std::vector<RpcItem> items;  // an empty batch is one invalid_request item
};

RpcLine parse_request_line(std::string_view line, std::size_t max_batch = 100);

// A result the handler serialised itself: large answers assembled from parts
// it keeps serialised (the job list), not rebuilt as a DOM on every call.
struct SerializedResult {
    std::string json;
};
using RpcResult = std::variant<boost::json::value, SerializedResult>;

std::string encode_result(const boost::json::value& id, const boost::json::value& result);
std::string encode_result(const boost::json::value& id, const SerializedResult& result);
std::string encode_error(const boost::json::value& id, const RpcError& e);
// A batch's responses; empty (nothing to send) when all were notifications.
std::string encode_batch(const std::vector<std::string>& responses);

// Client side.
std::string encode_request(std::int64_t id, std::string_view method,
                           const boost::json::object& params);
struct RpcReply {
    boost::json::value id;
    boost::json::value result;  // when !error
    std::optional<RpcError> error;
};
// Throws std::runtime_error on a line that is not a JSON-RPC response.
RpcReply parse_reply_line(std::string_view line);

}  // namespace vscsi::protocol
