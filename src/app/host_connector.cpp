#include "app/host_connector.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>

#include "sim/in_process_host.hpp"
#include "ssh/ssh_host.hpp"

namespace vscsi::app {

std::unique_ptr<host::HostShell> connect_host(boost::asio::any_io_executor ex,
                                              const host::SshParams& params,
                                              const std::filesystem::path& data_dir) {
    if (sim::is_simulated_host(params.host))
        return std::make_unique<sim::InProcessHost>(
            ex, sim::simulated_state_dir(data_dir, params.host), params.max_output_bytes);
    return std::make_unique<ssh::SshHost>(ex, params);
}

std::string host_link_key(const host::SshParams& params) {
    // Jobs share a connection only when they would log in the same way: a job
    // with the right key must not inherit a connection attempt with a wrong one.
    // (The password enters the key as a hash, which never leaves the process.)
    if (sim::is_simulated_host(params.host)) return params.host;
    // The route too: jobs through the same jump hosts share the chain, another
    // route is another connection.
    return fmt::format("{}@{}:{}|{}|{}|{}|{}|{}|{}|{}", params.user, params.host, params.port,
                       fmt::join(params.key_files, ","), params.use_agent, params.known_hosts,
                       params.ssh_config, params.accept_new_host_key, params.jump,
                       std::hash<std::string>{}(params.password));
}

}  // namespace vscsi::app
