#include "util/json_text.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

namespace vscsi {
namespace {

void write(std::string& out, const boost::json::value& v, int indent, bool pretty) {
    auto newline = [&](int level) {
        if (!pretty) return;
        out += '\n';
        out.append(static_cast<std::size_t>(level) * 2, ' ');
    };
    switch (v.kind()) {
        case boost::json::kind::null:
            out += "null";
            break;
        case boost::json::kind::bool_:
            out += v.get_bool() ? "true" : "false";
            break;
        case boost::json::kind::int64:
            fmt::format_to(std::back_inserter(out), "{}", v.get_int64());
            break;
        case boost::json::kind::uint64:
            fmt::format_to(std::back_inserter(out), "{}", v.get_uint64());
            break;
        case boost::json::kind::double_: {
            const double d = v.get_double();
            if (!std::isfinite(d))
                out += "null";
            else if (d == std::floor(d) && std::fabs(d) < 1e15)
                fmt::format_to(std::back_inserter(out), "{}", static_cast<long long>(d));
            else
                fmt::format_to(std::back_inserter(out), "{}", d);
            break;
        }
        case boost::json::kind::string:
            out += boost::json::serialize(v.get_string());
            break;
        case boost::json::kind::array: {
            const auto& a = v.get_array();
            if (a.empty()) {
                out += "[]";
                break;
            }
            out += '[';
            bool first = true;
            for (const auto& e : a) {
                if (!first) out += pretty ? "," : ",";
                first = false;
                newline(indent + 1);
                write(out, e, indent + 1, pretty);
            }
            newline(indent);
            out += ']';
            break;
        }
        case boost::json::kind::object: {
            const auto& o = v.get_object();
            if (o.empty()) {
                out += "{}";
                break;
            }
            out += '{';
            bool first = true;
            for (const auto& kv : o) {
                if (!first) out += ',';
                first = false;
                newline(indent + 1);
                out += boost::json::serialize(boost::json::string_view(kv.key()));
                out += pretty ? ": " : ":";
                write(out, kv.value(), indent + 1, pretty);
            }
            newline(indent);
            out += '}';
            break;
        }
    }
}

}  // namespace

std::string pretty_json(const boost::json::value& v) {
    std::string out;
    write(out, v, 0, true);
    out += '\n';
    return out;
}

void append_json(std::string& out, const boost::json::value& v, int indent, bool pretty) {
    write(out, v, indent, pretty);
}

std::string compact_json(const boost::json::value& v) {
    std::string out;
    write(out, v, 0, false);
    return out;
}

double round_to(double v, int digits) {
    if (!std::isfinite(v)) return v;
    const double f = std::pow(10.0, digits);
    return std::round(v * f) / f;
}

}  // namespace vscsi
