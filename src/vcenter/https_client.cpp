#include "vcenter/https_client.hpp"

#include <fmt/core.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "vscsi_config.hpp"

namespace vscsi::vcenter {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use = asio::as_tuple(asio::use_awaitable);

bool is_ip_literal(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

// A reused connection the server has closed meanwhile: worth one reconnect.
bool is_stale_connection(const boost::system::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::eof ||
           ec == ssl::error::stream_truncated;
}

}  // namespace

struct HttpsClient::Impl {
    asio::any_io_executor ex;
    HttpsTarget target;
    TlsTrust trust;
    ssl::context ctx{ssl::context::tls_client};
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
    beast::flat_buffer buffer;
    std::string seen_thumbprint;
    std::string chain_problem;  // OpenSSL's reason, when the chain or the name did not verify
    bool ctx_ready = false;

    std::string where() const { return fmt::format("vCenter {}:{}", target.host, target.port); }
    std::string seconds() const {
        return fmt::format("{:g}", static_cast<double>(target.timeout.count()) / 1000);
    }

    Error failure(std::string what, std::string next) const {
        return Error{ErrorKind::host_failure, where() + ": " + std::move(what), std::move(next)};
    }
    Error io_failure(const char* step, const boost::system::error_code& ec) const {
        if (ec == beast::error::timeout)
            return failure(fmt::format("no answer within {} s ({})", seconds(), step),
                           "check that the server is up and reachable, or raise --timeout");
        return failure(fmt::format("{} failed: {}", step, ec.message()),
                       "check the address and port and that the vCenter service is running");
    }

    Result<void> prepare_context() {
        if (ctx_ready) return {};
        boost::system::error_code ec;
        ctx.set_verify_mode(ssl::verify_peer, ec);
        if (trust.mode == TlsTrust::Mode::system_cas) {
            if (trust.ca_file.empty())
                ctx.set_default_verify_paths(ec);
            else
                ctx.load_verify_file(trust.ca_file, ec);
            if (ec)
                return Error{ErrorKind::usage, "--ca-file " + trust.ca_file + ": " + ec.message(),
                             "give a PEM file of the CA certificates to trust"};
        }
        ctx_ready = true;
        return {};
    }

    // Decides the certificate: OpenSSL calls it for each certificate of the chain.
    bool verify(bool preverified, ssl::verify_context& vc) {
        auto* store = vc.native_handle();
        if (X509* leaf = X509_STORE_CTX_get0_cert(store); leaf && seen_thumbprint.empty()) {
            unsigned char* der = nullptr;
            const int len = i2d_X509(leaf, &der);
            if (len > 0) seen_thumbprint = thumbprint_of_der(der, static_cast<std::size_t>(len));
            OPENSSL_free(der);
        }
        switch (trust.mode) {
            case TlsTrust::Mode::insecure:
                return true;
            case TlsTrust::Mode::thumbprint:
                return X509_STORE_CTX_get_error_depth(store) > 0 ||
                       seen_thumbprint == trust.thumbprint;
            case TlsTrust::Mode::system_cas:
                break;
        }
        const bool ok = ssl::host_name_verification(target.host)(preverified, vc);
        if (!ok && chain_problem.empty()) {
            const int err = X509_STORE_CTX_get_error(store);
            chain_problem = err != X509_V_OK ? X509_verify_cert_error_string(err)
                                             : "the certificate is not for " + target.host;
        }
        return ok;
    }

    asio::awaitable<Result<void>> connect() {
        if (auto ready = prepare_context(); !ready) co_return ready.error();
        stream.reset();
        buffer.clear();
        seen_thumbprint.clear();
        chain_problem.clear();
        tcp::resolver resolver(ex);
        auto [rec, endpoints] =
            co_await resolver.async_resolve(target.host, std::to_string(target.port), use);
        if (rec)
            co_return failure("cannot resolve the name: " + rec.message(),
                              "check the vCenter name or give its address");
        stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex, ctx);
        // SNI (the macro SSL_set_tlsext_host_name casts to void* the C way).
        if (!is_ip_literal(target.host))
            SSL_ctrl(stream->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                     TLSEXT_NAMETYPE_host_name, const_cast<char*>(target.host.c_str()));
        stream->set_verify_callback(
            [this](bool pre, ssl::verify_context& vc) { return verify(pre, vc); });
        auto& tcp_layer = beast::get_lowest_layer(*stream);
        tcp_layer.expires_after(target.timeout);
        auto [cec, ep] = co_await tcp_layer.async_connect(endpoints, use);
        (void)ep;
        if (cec) co_return io_failure("connect", cec);
        tcp_layer.expires_after(target.timeout);
        auto [hec] = co_await stream->async_handshake(ssl::stream_base::client, use);
        if (hec) {
            stream.reset();
            if (hec == beast::error::timeout) co_return io_failure("TLS handshake", hec);
            const auto tp = seen_thumbprint.empty() ? std::string("unknown") : seen_thumbprint;
            if (trust.mode == TlsTrust::Mode::thumbprint && !seen_thumbprint.empty())
                co_return failure(
                    "its certificate's SHA-256 thumbprint is " + tp + ", not the pinned " +
                        trust.thumbprint,
                    "the certificate changed or this is another server: confirm the new thumbprint "
                    "with the vCenter's admin before pinning it");
            if (!seen_thumbprint.empty())
                co_return failure(
                    "certificate not trusted (" +
                        (chain_problem.empty() ? hec.message() : chain_problem) +
                        "); its SHA-256 thumbprint is " + tp,
                    "confirm that thumbprint with the vCenter's admin, then pass --thumbprint " +
                        tp + " (or --ca-file with its CA, or --insecure to skip the check)");
            co_return failure("TLS handshake failed: " + hec.message(),
                              "check that the port serves HTTPS");
        }
        co_return Result<void>{};
    }

    asio::awaitable<Result<HttpReply>> exchange(const http::request<http::string_body>& req,
                                                bool& stale) {
        stale = false;
        auto& tcp_layer = beast::get_lowest_layer(*stream);
        tcp_layer.expires_after(target.timeout);
        auto [wec, written] = co_await http::async_write(*stream, req, use);
        (void)written;
        if (wec) {
            stale = is_stale_connection(wec);
            co_return io_failure("sending the request", wec);
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(target.max_reply_bytes);
        tcp_layer.expires_after(target.timeout);
        auto [rec, read] = co_await http::async_read(*stream, buffer, parser, use);
        if (rec) {
            stale = read == 0 && is_stale_connection(rec);
            if (rec == http::error::body_limit)
                co_return failure(
                    fmt::format("a reply larger than {} MiB", target.max_reply_bytes >> 20),
                    "narrow the survey (--cluster, --folder, --vm) or report this server");
            co_return io_failure("reading the reply", rec);
        }
        auto res = parser.release();
        HttpReply reply;
        reply.status = res.result_int();
        if (auto c = res.find(http::field::set_cookie); c != res.end()) {
            std::string_view v(c->value().data(), c->value().size());
            reply.cookie = std::string(v.substr(0, v.find(';')));
        }
        reply.body = std::move(res.body());
        if (!res.keep_alive()) stream.reset();
        co_return reply;
    }
};

HttpsClient::HttpsClient(asio::any_io_executor ex, HttpsTarget target, TlsTrust trust)
    : impl_(std::make_unique<Impl>()) {
    impl_->ex = std::move(ex);
    impl_->target = std::move(target);
    impl_->trust = std::move(trust);
}

HttpsClient::~HttpsClient() = default;

const HttpsTarget& HttpsClient::target() const {
    return impl_->target;
}
const std::string& HttpsClient::server_thumbprint() const {
    return impl_->seen_thumbprint;
}

asio::awaitable<Result<HttpReply>> HttpsClient::post(std::string body, std::string soap_action,
                                                     std::string cookie) {
    auto& im = *impl_;
    http::request<http::string_body> req{http::verb::post, im.target.path, 11};
    req.set(http::field::host, im.target.port == 443
                                   ? im.target.host
                                   : fmt::format("{}:{}", im.target.host, im.target.port));
    req.set(http::field::user_agent, "vscsi/" VSCSI_VERSION);
    req.set(http::field::content_type, "text/xml; charset=utf-8");
    req.set("SOAPAction", soap_action);
    if (!cookie.empty()) req.set(http::field::cookie, cookie);
    req.keep_alive(true);
    req.body() = std::move(body);
    req.prepare_payload();
    for (int attempt = 0;; ++attempt) {
        const bool reused = im.stream != nullptr;
        if (!reused)
            if (auto c = co_await im.connect(); !c) co_return c.error();
        bool stale = false;
        auto reply = co_await im.exchange(req, stale);
        if (reply) co_return reply;
        im.stream.reset();
        if (!(reused && stale && attempt == 0)) co_return reply.error();
    }
}

}  // namespace vscsi::vcenter
