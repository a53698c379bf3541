#pragma once
// The one reader of JSON objects in vscsi (job.json, the resume plan, RPC
// parameters): every mismatch throws DataError naming the document and the
// field by its full path ("plan.ssh.port", "params.samples"), so the reader
// of the message can open the file at the right place.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vscsi {

class JsonFields {
  public:
    // `source`: the file (or "" for a request), `path`: where this object is in it.
    JsonFields(const boost::json::value& v, std::string source, std::string path);

    // Present and not null.
    bool has(std::string_view key) const;
    std::string string(std::string_view key, bool required = false) const;
    std::optional<std::string> optional_string(std::string_view key) const;
    // Integers also accept whole numbers written as doubles; out of int64 range is an error.
    std::int64_t integer(std::string_view key) const;  // required
    std::int64_t integer(std::string_view key, std::int64_t fallback) const;
    std::optional<std::int64_t> optional_integer(std::string_view key) const;
    double number(std::string_view key, double fallback) const;
    bool boolean(std::string_view key, bool fallback) const;
    std::vector<std::string> strings(std::string_view key) const;
    std::vector<std::int64_t> integers(std::string_view key) const;
    JsonFields object(std::string_view key) const;  // required
    std::optional<JsonFields> optional_object(std::string_view key) const;
    std::vector<JsonFields> objects(std::string_view key) const;  // an array of objects

    const boost::json::object& raw() const { return *object_; }
    std::string path_of(std::string_view key) const;
    [[noreturn]] void fail(std::string_view key, const std::string& reason) const;

  private:
    const boost::json::value* find(std::string_view key) const;

    const boost::json::object* object_ = nullptr;
    std::string source_;
    std::string path_;
};

}  // namespace vscsi
