// Asio's TLS implementation, compiled once (BOOST_ASIO_SEPARATE_COMPILATION),
// here: only this layer links OpenSSL.
#include <boost/asio/ssl/impl/src.hpp>
