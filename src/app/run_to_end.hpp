#pragma once
// A command's one coroutine on an event loop of its own, run to its end (the
// CLI's vCenter calls; the daemon awaits the same coroutines on its loop).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <functional>
#include <optional>

namespace vscsi::app {

template <class T>
T run_to_end(const std::function<boost::asio::awaitable<T>(boost::asio::any_io_executor)>& start) {
    boost::asio::io_context io;
    std::optional<T> result;
    boost::asio::co_spawn(io, start(io.get_executor()), [&](std::exception_ptr e, T r) {
        if (e) std::rethrow_exception(e);
        result.emplace(std::move(r));
    });
    io.run();
    return std::move(*result);
}

}  // namespace vscsi::app
