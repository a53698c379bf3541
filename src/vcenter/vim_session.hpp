#pragma once
// A logged-in vSphere API session (vCenter, or an ESXi host's own API) on the
// caller's Asio loop: the calls vscsi makes, with re-login when the server
// says the session is gone (NotAuthenticated: it expired or was ended), paged
// property retrieval and batched performance queries. The SOAP and its
// meaning are in src/vsphere (pure); this owns the I/O.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "vcenter/https_client.hpp"
#include "vsphere/perf_metrics.hpp"
#include "vsphere/vm_inventory.hpp"

namespace vscsi::vcenter {

struct VcenterParams {
    HttpsTarget target;
    TlsTrust trust;
    std::string user;
    std::string password;         // secret: never printed, logged or stored
    int page_objects = 200;       // RetrievePropertiesEx maxObjects
    std::size_t perf_batch = 64;  // VMs per QueryPerf call
};

class VimSession {
  public:
    VimSession(boost::asio::any_io_executor ex, VcenterParams params);
    ~VimSession();

    // RetrieveServiceContent and Login.
    boost::asio::awaitable<Result<void>> connect();
    const vsphere::ServiceContent& content() const;

    // Every VM, host, cluster and folder below the root folder, page by page;
    // on_page(objects so far) after each.
    boost::asio::awaitable<Result<vsphere::Inventory>> inventory(
        std::function<void(std::size_t)> on_page = {});
    boost::asio::awaitable<Result<std::vector<vsphere::PerfCounterInfo>>> perf_counters();
    // The queries in batches of perf_batch; on_batch(queries done) after each.
    boost::asio::awaitable<Result<std::vector<vsphere::EntityMetrics>>> query_perf(
        std::vector<vsphere::PerfQuery> queries, std::function<void(std::size_t)> on_batch = {});
    boost::asio::awaitable<void> logout();

    std::size_t calls() const;  // SOAP calls made, re-logins included

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace vscsi::vcenter
