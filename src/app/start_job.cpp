#include "app/start_job.hpp"

#include <fmt/core.h>

#include "collect/host_inventory.hpp"

namespace vscsi::app {

boost::asio::awaitable<Result<StartedJob>> start_job(host::HostShell& host,
                                                     const host::SshParams& ssh,
                                                     const std::filesystem::path& data_dir,
                                                     const JobRequest& request) {
    const auto inv = co_await fetch_inventory(host);
    if (!inv) co_return inv.error();
    auto created = collect::create_job(data_dir, request, inv->listing, ssh, inv->fingerprint);
    if (!created) co_return created.error();
    auto lock = FileLock::try_acquire(created->dir.collector_lock());
    if (!lock)
        co_return Error{ErrorKind::failure,
                        fmt::format("cannot lock {}", created->dir.collector_lock().string()),
                        "another process holds it: check `vscsi job list`"};
    const auto timeout = created->meta.plan->command_timeout;
    co_return StartedJob{std::move(created->dir), std::move(created->meta),
                         std::move(created->collector), timeout, std::move(*lock)};
}

}  // namespace vscsi::app
