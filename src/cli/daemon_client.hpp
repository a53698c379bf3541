#pragma once
// The client side of the daemon's socket: one connection, blocking calls.
// When no daemon answers it starts one (`vscsi serve` in the background,
// detached from the terminal) and waits until it is ready, unless told not to.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/command_context.hpp"
#include "protocol/json_rpc.hpp"

namespace vscsi {

// Exit code 4.
class DaemonUnreachable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// An error response (the protocol's own failure type); the exit code follows its code.
using DaemonError = protocol::RpcFailure;

class DaemonClient {
  public:
    // `serve_args`: extra arguments for a daemon this call starts (e.g. --metrics-listen).
    static DaemonClient connect(const CommandContext& ctx,
                                const std::vector<std::string>& serve_args = {});
    DaemonClient(DaemonClient&& o) noexcept;
    DaemonClient& operator=(DaemonClient&&) = delete;
    ~DaemonClient();

    // Throws DaemonError for error responses, DaemonUnreachable when the
    // connection breaks or nothing comes back within `timeout_seconds`.
    boost::json::value call(std::string_view method, const boost::json::object& params = {},
                            int timeout_seconds = 300);
    // A typed request (protocol/messages.hpp) encoded as the method's params.
    template <class Request>
    boost::json::value call(std::string_view method, const Request& request,
                            int timeout_seconds = 300) {
        return call(method, boost::json::value_from(request).as_object(), timeout_seconds);
    }
    // The same, with the answer decoded as the method's result type.
    template <class Answer, class Request>
    Answer request(std::string_view method, const Request& request, int timeout_seconds = 300) {
        const auto v = call(method, request, timeout_seconds);
        try {
            return boost::json::value_to<Answer>(v);
        } catch (const std::exception& e) {
            throw unreadable_answer(method, e.what());
        }
    }

    bool autostarted() const { return autostarted_; }

    // Waits (up to `seconds`) until the daemon stops answering: after daemon.stop.
    void wait_until_gone(int seconds);
    // A daemon this client started for a request that was refused is taken down again,
    // unless jobs or other clients have come to it meanwhile.
    void stop_if_started_for_nothing() noexcept;

  private:
    explicit DaemonClient(int fd) : fd_(fd) {}
    static DaemonClient connect_any(const CommandContext& ctx,
                                    const std::vector<std::string>& serve_args);
    void check_data_dir(const CommandContext& ctx);
    static DaemonError unreadable_answer(std::string_view method, const std::string& why);
    int fd_ = -1;
    std::string buffer_;
    std::int64_t next_id_ = 1;
    bool autostarted_ = false;
};

std::filesystem::path socket_path_for(const CommandContext& ctx);

}  // namespace vscsi
