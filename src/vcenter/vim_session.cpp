#include "vcenter/vim_session.hpp"

#include <fmt/core.h>

#include "vsphere/soap_message.hpp"
#include "vsphere/vim_calls.hpp"

namespace vscsi::vcenter {

namespace asio = boost::asio;
using namespace vscsi::vsphere;

struct VimSession::Impl {
    HttpsClient http;
    VcenterParams params;
    ServiceContent sc;
    std::string cookie;
    std::string soap_action = "urn:vim25/6.5";
    std::size_t calls = 0;
    bool logged_in = false;

    Impl(asio::any_io_executor ex, VcenterParams p)
        : http(std::move(ex), p.target, p.trust), params(std::move(p)) {}

    std::string where() const { return fmt::format("vCenter {}", params.target.host); }

    Error bad_reply(const ParseError& e) const {
        return Error{ErrorKind::host_failure, e.message(),
                     "the server's reply is not the vSphere API's: check that " +
                         params.target.host + " is a vCenter or ESXi host and the path is /sdk"};
    }
    Error fault_error(const char* method, const VimFault& f) const {
        if (f.type == "InvalidLogin" && std::string_view(method) == "Login")
            return Error{
                ErrorKind::host_failure,
                where() + ": login failed for user '" + params.user + "' (" + f.message + ")",
                "check the user and the password ($VSCSI_VC_PASSWORD, --vc-password-file or "
                "--vc-ask-password)"};
        if (f.type == "NoPermission")
            return Error{
                ErrorKind::host_failure,
                where() + ": " + method + ": no permission (" + f.message + ")",
                "give the user a role with read-only access and Performance read on the inventory"};
        return Error{ErrorKind::host_failure,
                     fmt::format("{}: {} failed: {}{}", where(), method, f.type,
                                 f.message.empty() ? "" : ": " + f.message),
                     ""};
    }

    // One call: the response element. A fault is an error, except
    // NotAuthenticated once logged in: log in again and repeat the call once.
    asio::awaitable<Result<XmlElement>> call(const std::string& body, const char* method,
                                             bool may_relogin = true) {
        ++calls;
        auto reply = co_await http.post(soap_envelope(body), soap_action, cookie);
        if (!reply) co_return reply.error();
        if (!reply->cookie.empty()) cookie = reply->cookie;
        if (reply->status != 200 && reply->status != 500)
            co_return Error{
                ErrorKind::host_failure,
                fmt::format("{}: {} answered HTTP {}", where(), method, reply->status),
                "check that the address is a vCenter or ESXi host and the path is /sdk"};
        const std::string source = fmt::format("{}: {} reply", where(), method);
        auto soap = read_soap_reply(reply->body, source);
        if (!soap) co_return bad_reply(soap.error());
        if (auto* f = std::get_if<VimFault>(&*soap)) {
            if (f->not_authenticated() && logged_in && may_relogin) {
                logged_in = false;
                cookie.clear();
                if (auto again = co_await login(); !again) co_return again.error();
                co_return co_await call(body, method, false);
            }
            co_return fault_error(method, *f);
        }
        co_return std::get<XmlElement>(std::move(*soap));
    }

    asio::awaitable<Result<void>> login() {
        auto r = co_await call(login_body(sc.session_manager, params.user, params.password),
                               "Login", false);
        if (!r) co_return r.error();
        logged_in = true;
        co_return Result<void>{};
    }
};

VimSession::VimSession(asio::any_io_executor ex, VcenterParams params)
    : impl_(std::make_unique<Impl>(std::move(ex), std::move(params))) {}
VimSession::~VimSession() = default;

const ServiceContent& VimSession::content() const {
    return impl_->sc;
}
std::size_t VimSession::calls() const {
    return impl_->calls;
}

asio::awaitable<Result<void>> VimSession::connect() {
    auto& im = *impl_;
    auto r = co_await im.call(retrieve_service_content_body(), "RetrieveServiceContent", false);
    if (!r) co_return r.error();
    auto sc = decode_service_content(*r, im.where() + ": RetrieveServiceContent reply");
    if (!sc) co_return im.bad_reply(sc.error());
    im.sc = std::move(*sc);
    if (!im.sc.api_version.empty()) im.soap_action = "urn:vim25/" + im.sc.api_version;
    co_return co_await im.login();
}

asio::awaitable<Result<Inventory>> VimSession::inventory(std::function<void(std::size_t)> on_page) {
    auto& im = *impl_;
    auto view = co_await im.call(
        create_container_view_body(im.sc.view_manager, im.sc.root_folder, inventory_view_types()),
        "CreateContainerView");
    if (!view) co_return view.error();
    auto view_ref = decode_returned_moref(*view, im.where() + ": CreateContainerView reply");
    if (!view_ref) co_return im.bad_reply(view_ref.error());
    Inventory inv;
    std::size_t objects = 0;
    const std::string source = im.where() + ": RetrievePropertiesEx reply";
    auto page = co_await im.call(
        retrieve_view_properties_body(im.sc.property_collector, *view_ref,
                                      inventory_property_specs(), im.params.page_objects),
        "RetrievePropertiesEx");
    for (;;) {
        if (!page) co_return page.error();
        auto decoded = decode_object_page(std::move(*page), source);
        if (!decoded) co_return im.bad_reply(decoded.error());
        if (auto added = add_inventory_page(inv, *decoded, source); !added)
            co_return im.bad_reply(added.error());
        objects += decoded->objects.size();
        if (on_page) on_page(objects);
        if (decoded->token.empty()) break;
        page = co_await im.call(continue_retrieve_body(im.sc.property_collector, decoded->token),
                                "ContinueRetrievePropertiesEx");
    }
    // A view lives as long as the session: let the server drop it now.
    (void)co_await im.call(destroy_view_body(*view_ref), "DestroyView");
    co_return inv;
}

asio::awaitable<Result<std::vector<PerfCounterInfo>>> VimSession::perf_counters() {
    auto& im = *impl_;
    const std::vector<std::string> paths{"perfCounter"};
    auto r = co_await im.call(
        retrieve_object_properties_body(im.sc.property_collector, im.sc.perf_manager, paths),
        "RetrievePropertiesEx perfCounter");
    if (!r) co_return r.error();
    const std::string source = im.where() + ": perfCounter reply";
    auto page = decode_object_page(std::move(*r), source);
    if (!page) co_return im.bad_reply(page.error());
    auto counters = decode_perf_counters(*page, source);
    if (!counters) co_return im.bad_reply(counters.error());
    co_return std::move(*counters);
}

asio::awaitable<Result<std::vector<EntityMetrics>>> VimSession::query_perf(
    std::vector<PerfQuery> queries, std::function<void(std::size_t)> on_batch) {
    auto& im = *impl_;
    std::vector<EntityMetrics> out;
    const std::string source = im.where() + ": QueryPerf reply";
    const auto batch = std::max<std::size_t>(1, im.params.perf_batch);
    for (std::size_t at = 0; at < queries.size(); at += batch) {
        std::vector<PerfQuery> part(
            queries.begin() + static_cast<std::ptrdiff_t>(at),
            queries.begin() + static_cast<std::ptrdiff_t>(std::min(queries.size(), at + batch)));
        auto r = co_await im.call(query_perf_body(im.sc.perf_manager, part), "QueryPerf");
        if (!r) co_return r.error();
        auto metrics = decode_query_perf(*r, source);
        if (!metrics) co_return im.bad_reply(metrics.error());
        for (auto& m : *metrics) out.push_back(std::move(m));
        if (on_batch) on_batch(std::min(queries.size(), at + batch));
    }
    co_return out;
}

asio::awaitable<void> VimSession::logout() {
    auto& im = *impl_;
    if (!im.logged_in) co_return;
    (void)co_await im.call(logout_body(im.sc.session_manager), "Logout", false);
    im.logged_in = false;
}

}  // namespace vscsi::vcenter
