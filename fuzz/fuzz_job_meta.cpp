// job.json: what reads writes back, and reads again to the same content.
// Doubles are compared to within a few units in the last place: Boost.JSON
// 1.81 parses a double to within one ULP, so a huge non-integer (kept "as
// found" in an unknown field or a damaged plan) may change its last digit at
// a rewrite; every other value must come back exactly.
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "format/parse_error.hpp"
#include "job/job_meta.hpp"

namespace {

bool same(const boost::json::value& a, const boost::json::value& b) {
    if (a.is_double() || b.is_double()) {
        if (!a.is_number() || !b.is_number()) return false;
        const double x = a.to_number<double>(), y = b.to_number<double>();
        return x == y || std::fabs(x - y) <= 1e-14 * std::fmax(std::fabs(x), std::fabs(y));
    }
    if (a.kind() != b.kind()) return false;
    if (a.is_object()) {
        const auto &oa = a.get_object(), &ob = b.get_object();
        if (oa.size() != ob.size()) return false;
        for (const auto& kv : oa) {
            const auto* other = ob.if_contains(kv.key());
            if (!other || !same(kv.value(), *other)) return false;
        }
        return true;
    }
    if (a.is_array()) {
        const auto &xa = a.get_array(), &xb = b.get_array();
        if (xa.size() != xb.size()) return false;
        for (std::size_t i = 0; i < xa.size(); ++i)
            if (!same(xa[i], xb[i])) return false;
        return true;
    }
    return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto meta = vscsi::parse_job_meta(
            std::string_view(reinterpret_cast<const char*>(data), size), "job.json");
        const auto text = vscsi::serialize_job_meta(meta);
        const auto back = vscsi::serialize_job_meta(vscsi::parse_job_meta(text, "job.json"));
        if (!same(boost::json::parse(text), boost::json::parse(back))) {
            std::fprintf(stderr, "round trip differs:\n%s\n---\n%s\n", text.c_str(), back.c_str());
            std::abort();
        }
    } catch (const vscsi::DataError&) {
    }
    return 0;
}
