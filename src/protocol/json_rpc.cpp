#include "protocol/json_rpc.hpp"

#include <fmt/core.h>

#include <boost/json.hpp>

#include "protocol/rpc_binding.hpp"

namespace vscsi::protocol {
namespace json = boost::json;

int rpc_code_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::usage:
            return rpc_code::invalid_params;
        case ErrorKind::conflict:
            return rpc_code::conflict;
        case ErrorKind::bad_data:
            return rpc_code::bad_data;
        case ErrorKind::not_found:
            return rpc_code::not_found;
        case ErrorKind::host_failure:
            return rpc_code::host_failure;
        case ErrorKind::failure:
            return rpc_code::failure;
    }
    return rpc_code::failure;
}

int exit_code_for_rpc(int code) {
    switch (code) {
        case rpc_code::not_found:
            return 3;
        case rpc_code::invalid_params:
        case rpc_code::method_not_found:
        case rpc_code::invalid_request:
        case rpc_code::conflict:
            return 2;
        case rpc_code::bad_data:
            return 5;
        default:
            return 1;
    }
}

namespace {

bool valid_id(const json::value& id) {
    return id.is_null() || id.is_string() || id.is_number();
}

RpcItem parse_one(const json::value& v) {
    RpcItem item;
    if (!v.is_object()) {
        item.error = RpcError{rpc_code::invalid_request, "a request must be a JSON object"};
        return item;
    }
    const auto& o = v.as_object();
    const auto* id = o.if_contains("id");
    if (id && valid_id(*id)) item.id = *id;
    if (id && !valid_id(*id)) {
        item.error =
            RpcError{rpc_code::invalid_request, "\"id\" must be a string, a number or null"};
        return item;
    }
    const auto* version = o.if_contains("jsonrpc");
    if (!version || !version->is_string() || version->as_string() != "2.0") {
        item.error = RpcError{rpc_code::invalid_request, "\"jsonrpc\" must be \"2.0\""};
        return item;
    }
    const auto* method = o.if_contains("method");
    if (!method || !method->is_string() || method->as_string().empty()) {
        item.error = RpcError{rpc_code::invalid_request, "\"method\" must be a non-empty string"};
        return item;
    }
    RpcRequest r;
    r.method = std::string(method->as_string());
    r.notification = id == nullptr;
    r.id = item.id;
    if (const auto* p = o.if_contains("params")) {
        if (p->is_object()) {
            r.params = *p;
        } else if (!(p->is_array() && p->as_array().empty())) {
            item.error = RpcError{rpc_code::invalid_params,
                                  "\"params\" must be an object (named parameters)"};
            return item;
        }
    }
    item.request = std::move(r);
    return item;
}

}  // namespace

RpcLine parse_request_line(std::string_view line, std::size_t max_batch) {
    RpcLine out;
    json::parse_options opt;
    opt.max_depth = 32;  // nothing legitimate nests deeper; bounds the parser's stack
    boost::system::error_code ec;
    const auto v = json::parse(line, ec, {}, opt);
    if (ec) {
        out.items.push_back(
            {std::nullopt,
             RpcError{rpc_code::parse_error, fmt::format("not valid JSON: {}", ec.message())},
             nullptr});
        return out;
    }
    if (!v.is_array()) {
        out.items.push_back(parse_one(v));
        return out;
    }
    out.batch = true;
    const auto& a = v.as_array();
    if (a.empty()) {
        out.batch = false;  // answered with a single error, as the spec says
        out.items.push_back(
            {std::nullopt, RpcError{rpc_code::invalid_request, "empty batch"}, nullptr});
        return out;
    }
    if (a.size() > max_batch) {
        out.batch = false;
        out.items.push_back(
            {std::nullopt,
             RpcError{rpc_code::invalid_request,
                      fmt::format("batch of {} requests: at most {}", a.size(), max_batch)},
             nullptr});
        return out;
    }
    for (const auto& e : a) out.items.push_back(parse_one(e));
    return out;
}

std::string encode_result(const json::value& id, const json::value& result) {
    return json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
}

std::string encode_result(const json::value& id, const SerializedResult& result) {
    // The same member order as the DOM form above.
    std::string out = R"({"jsonrpc":"2.0","id":)";
    out += json::serialize(id);
    out += R"(,"result":)";
    out.reserve(out.size() + result.json.size() + 1);
    out += result.json;
    out += '}';
    return out;
}

std::string encode_error(const json::value& id, const RpcError& e) {
    return json::serialize(json::object{
        {"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", e.code}, {"message", e.message}}}});
}

std::string encode_batch(const std::vector<std::string>& responses) {
    if (responses.empty()) return {};
    std::string s = "[";
    for (std::size_t i = 0; i < responses.size(); ++i) {
        if (i) s += ',';
        s += responses[i];
    }
    return s + "]";
}

std::string encode_request(std::int64_t id, std::string_view method, const json::object& params) {
    return json::serialize(
        json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
}

RpcReply parse_reply_line(std::string_view line) {
    boost::system::error_code ec;
    // One arena for the whole reply: a job list of thousands of rows is
    // parsed and freed without a malloc and a free per node.
    auto v = json::parse(line, ec, json::make_shared_resource<json::monotonic_resource>());
    if (ec || !v.is_object())
        throw std::runtime_error("the daemon sent something that is not a JSON-RPC response");
    auto& o = v.as_object();
    RpcReply r;
    if (const auto* id = o.if_contains("id")) r.id = *id;
    if (const auto* e = o.if_contains("error")) {
        RpcError err;
        if (e->is_object()) {
            if (const auto* c = e->as_object().if_contains("code"); c && c->is_int64())
                err.code = static_cast<int>(c->as_int64());
            if (const auto* m = e->as_object().if_contains("message"); m && m->is_string())
                err.message = std::string(m->as_string());
        }
        r.error = std::move(err);
        return r;
    }
    auto* res = o.if_contains("result");
    if (!res) throw std::runtime_error("the daemon's response has neither result nor error");
    // Move-constructed, so it keeps the arena (assigning would copy into the
    // default allocator).
    return RpcReply{std::move(r.id), json::value(std::move(*res)), std::nullopt};
}

}  // namespace vscsi::protocol
