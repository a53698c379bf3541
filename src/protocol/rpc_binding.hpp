#pragma once
// Between the typed messages and JSON-RPC: a request's params as the
// method's type (a bad field is invalid_params naming it), and a result or
// its error as the answer (the error's kind picks the code).

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include "format/parse_error.hpp"
#include "protocol/json_rpc.hpp"
#include "util/error.hpp"

namespace vscsi::protocol {

int rpc_code_for(ErrorKind kind);

template <class T>
T decode_params(const RpcRequest& req) {
    try {
        return boost::json::value_to<T>(req.params);
    } catch (const DataError& e) {
        throw RpcFailure(rpc_code::invalid_params, e.error().field + ": " + e.error().reason);
    }
}

template <class T>
boost::json::value to_answer(const Result<T>& r) {
    if (!r) throw RpcFailure(rpc_code_for(r.error().kind), r.error().message());
    return boost::json::value_from(*r);
}

}  // namespace vscsi::protocol
