#pragma once
// HTTPS POSTs to one server over one kept-alive connection (Boost.Beast on
// OpenSSL, on the caller's Asio loop), with a deadline on every step and a
// bound on the reply. Beast stays inside https_client.cpp: it is the one
// translation unit that pays for its headers.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "util/error.hpp"
#include "vcenter/tls_trust.hpp"

namespace vscsi::vcenter {

struct HttpsTarget {
    std::string host;  // name or address, also checked against the certificate and sent as SNI
    unsigned port = 443;
    std::string path = "/sdk";
    std::chrono::milliseconds timeout{30'000};  // each of connect, TLS handshake, request and reply
    std::size_t max_reply_bytes = std::size_t{256} << 20;
};

struct HttpReply {
    unsigned status = 0;
    std::string body;
    std::string cookie;  // the reply's Set-Cookie name=value (before any ';'), or ""
};

class HttpsClient {
  public:
    HttpsClient(boost::asio::any_io_executor ex, HttpsTarget target, TlsTrust trust);
    ~HttpsClient();
    HttpsClient(const HttpsClient&) = delete;
    HttpsClient& operator=(const HttpsClient&) = delete;

    // One request; reconnects once when a kept-alive connection turns out closed.
    // Errors name the server and say what to do (a refused certificate: its thumbprint).
    boost::asio::awaitable<Result<HttpReply>> post(std::string body, std::string soap_action,
                                                   std::string cookie);

    const HttpsTarget& target() const;
    // The server certificate's thumbprint from the last handshake ("" before one).
    const std::string& server_thumbprint() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace vscsi::vcenter
