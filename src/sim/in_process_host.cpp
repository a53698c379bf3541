#include "sim/in_process_host.hpp"

#include <fmt/core.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>

#include "sim/esxi_host_sim.hpp"

namespace vscsi::sim {
namespace asio = boost::asio;

bool is_simulated_host(std::string_view host) {
    return host.starts_with("sim:");
}

std::filesystem::path simulated_state_dir(const std::filesystem::path& data_dir,
                                          std::string_view host) {
    std::string name(host.substr(std::min<std::size_t>(4, host.size())));
    for (auto& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
    return data_dir / "sim" / (name.empty() ? std::string("demo") : name);
}

InProcessHost::InProcessHost(asio::any_io_executor ex, std::filesystem::path state_dir,
                             std::size_t max_output_bytes)
    : ex_(ex), state_dir_(std::move(state_dir)), max_output_bytes_(max_output_bytes) {
    init_host(state_dir_, demo_host_json(), true);
}

asio::awaitable<host::ConnectResult> InProcessHost::connect() {
    co_return host::ConnectResult();
}

asio::awaitable<host::CommandResult> InProcessHost::run(std::string command,
                                                        std::chrono::milliseconds timeout) {
    // Short file operations under a lock: run inline, the loop barely notices.
    auto r = run_host_command(state_dir_, split_words(command));
    if (r.hang_seconds > 0) {
        const auto hang = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::duration<double>(r.hang_seconds));
        asio::steady_timer t(ex_, std::min(hang, timeout));
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        if (hang >= timeout)
            co_return host::HostError{fmt::format("the command did not finish within {} s: {}",
                                                  timeout.count() / 1000.0, command)};
    }
    // The fault streams 1 KiB lines until the reader stops: the limit always cuts it.
    if (r.huge_lines > 0 && r.out.size() + r.err.size() + r.huge_lines * 1024 > max_output_bytes_)
        co_return host::HostError{
            fmt::format("the command printed more than {} MiB: stopped reading (raise "
                        "the limit if this output is expected)",
                        max_output_bytes_ >> 20)};
    for (std::size_t i = 0; i < r.huge_lines; ++i) r.out.append(1023, 'x').push_back('\n');
    co_return host::CommandOutput{r.exit_status, std::move(r.out), std::move(r.err)};
}

}  // namespace vscsi::sim
