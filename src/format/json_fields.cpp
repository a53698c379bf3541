#include "format/json_fields.hpp"

#include <fmt/core.h>

#include <boost/json/value.hpp>
#include <cmath>

#include "format/parse_error.hpp"

namespace vscsi {
namespace json = boost::json;

JsonFields::JsonFields(const json::value& v, std::string source, std::string path)
    : source_(std::move(source)), path_(std::move(path)) {
    if (!v.is_object())
        throw DataError(
            ParseError{source_, 0, path_.empty() ? "document" : path_, "expected a JSON object"});
    object_ = &v.get_object();
}

std::string JsonFields::path_of(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

void JsonFields::fail(std::string_view key, const std::string& reason) const {
    throw DataError(ParseError{source_, 0, key.empty() ? path_ : path_of(key), reason});
}

const json::value* JsonFields::find(std::string_view key) const {
    const auto it = object_->find(key);
    return it == object_->end() || it->value().is_null() ? nullptr : &it->value();
}

bool JsonFields::has(std::string_view key) const {
    return find(key) != nullptr;
}

std::optional<std::string> JsonFields::optional_string(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) fail(key, "expected a string");
    return std::string(v->get_string());
}

std::string JsonFields::string(std::string_view key, bool required) const {
    auto s = optional_string(key);
    if (!s && required) fail(key, "missing");
    return s.value_or(std::string{});
}

std::optional<std::int64_t> JsonFields::optional_integer(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v->get_uint64());
    // 2^63 is exactly representable: anything below it converts without overflow.
    if (v->is_double() && std::trunc(v->get_double()) == v->get_double() &&
        std::fabs(v->get_double()) < 9223372036854775808.0)
        return static_cast<std::int64_t>(v->get_double());
    fail(key, v->is_number() ? "expected a whole number within the 64-bit range"
                             : "expected an integer");
}

std::int64_t JsonFields::integer(std::string_view key) const {
    auto v = optional_integer(key);
    if (!v) fail(key, "missing");
    return *v;
}

std::int64_t JsonFields::integer(std::string_view key, std::int64_t fallback) const {
    return optional_integer(key).value_or(fallback);
}

double JsonFields::number(std::string_view key, double fallback) const {
    const auto* v = find(key);
    if (!v) return fallback;
    if (!v->is_number()) fail(key, "expected a number");
    return v->to_number<double>();
}

bool JsonFields::boolean(std::string_view key, bool fallback) const {
    const auto* v = find(key);
    if (!v) return fallback;
    if (!v->is_bool()) fail(key, "expected true or false");
    return v->get_bool();
}

std::vector<std::string> JsonFields::strings(std::string_view key) const {
    std::vector<std::string> out;
    const auto* v = find(key);
    if (!v) return out;
    if (!v->is_array()) fail(key, "expected an array of strings");
    for (const auto& e : v->get_array()) {
        if (!e.is_string()) fail(key, "expected an array of strings");
        out.emplace_back(e.get_string());
    }
    return out;
}

std::vector<std::int64_t> JsonFields::integers(std::string_view key) const {
    std::vector<std::int64_t> out;
    const auto* v = find(key);
    if (!v) return out;
    if (!v->is_array()) fail(key, "expected an array of integers");
    for (const auto& e : v->get_array()) {
        if (!e.is_int64()) fail(key, "expected an array of integers");
        out.push_back(e.get_int64());
    }
    return out;
}

std::optional<JsonFields> JsonFields::optional_object(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    return JsonFields(*v, source_, path_of(key));
}

JsonFields JsonFields::object(std::string_view key) const {
    auto o = optional_object(key);
    if (!o) fail(key, "missing");
    return *o;
}

std::vector<JsonFields> JsonFields::objects(std::string_view key) const {
    std::vector<JsonFields> out;
    const auto* v = find(key);
    if (!v) return out;
    if (!v->is_array()) fail(key, "expected an array");
    std::size_t i = 0;
    for (const auto& e : v->get_array())
        out.emplace_back(e, source_, fmt::format("{}[{}]", path_of(key), i++));
    return out;
}

}  // namespace vscsi
