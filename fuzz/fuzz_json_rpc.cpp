// JSON-RPC request lines as the daemon reads them, every method's params
// decoded as the daemon would, and reply lines as the client reads them.
#include <boost/json.hpp>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "format/parse_error.hpp"
#include "protocol/json_rpc.hpp"
#include "protocol/messages.hpp"

namespace {
template <class T>
void decode(const boost::json::value& params) {
    try {
        (void)boost::json::value_to<T>(params);
    } catch (const vscsi::DataError&) {
    } catch (const std::exception&) {
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const auto parsed = vscsi::protocol::parse_request_line(line);
    for (const auto& item : parsed.items) {
        if (!item.request) continue;
        const auto& p = item.request->params;
        decode<vscsi::protocol::StartJob>(p);
        decode<vscsi::protocol::JobRef>(p);
        decode<vscsi::protocol::ListJobs>(p);
        decode<vscsi::protocol::CleanupJob>(p);
        decode<vscsi::protocol::StopDaemon>(p);
    }
    try {
        const auto reply = vscsi::protocol::parse_reply_line(line);
        decode<vscsi::protocol::JobView>(reply.result);
        decode<vscsi::protocol::JobList>(reply.result);
        decode<vscsi::protocol::DaemonStatus>(reply.result);
    } catch (const std::runtime_error&) {
    }
    return 0;
}
