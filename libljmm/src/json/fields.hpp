// Typed access to parsed JSON with errors that name the JSON path: "regions[3].start: ...".
// Shared by every reader of ljmm documents (snapshots, rules).
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "ljmm/result.hpp"
#include "ljmm/units.hpp"

namespace ljmm::detail::json_fields {

// Ordered, so fields read back in the order they were written (smaps fields, rules).
using json = nlohmann::ordered_json;

inline Error bad(const std::string& where, std::string_view why) {
  return make_error(Errc::malformed, fmt::format("{}: {}", where, why));
}

inline std::string describe(const json& value) {
  std::string text = value.dump();
  return text.size() > 40 ? text.substr(0, 40) + "..." : text;
}

inline std::string child(const std::string& where, std::string_view key) {
  return where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
}
inline std::string element(const std::string& where, size_t index) { return fmt::format("{}[{}]", where, index); }

inline Result<const json*> member(const json& object, std::string_view key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) return bad(child(where, key), "missing");
  return &*it;
}

inline Result<uint64_t> as_uint(const json& value, const std::string& where) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer() && value.get<int64_t>() >= 0) return static_cast<uint64_t>(value.get<int64_t>());
  return bad(where, fmt::format("{} is not a non-negative integer", describe(value)));
}

inline Result<uint64_t> as_address(const json& value, const std::string& where) {
  if (!value.is_string())
    return bad(where, fmt::format("{} is not an address string such as \"0x400000\"", describe(value)));
  auto address = parse_address(value.get<std::string>());
  if (!address) return with_context(address.error(), where, Errc::malformed);
  return address;
}

// Sizes accept integers (bytes) and strings such as "1GiB".
inline Result<uint64_t> as_size(const json& value, const std::string& where) {
  if (value.is_number()) return as_uint(value, where);
  if (!value.is_string()) return bad(where, fmt::format("{} is not a size; use 1GiB or bytes", describe(value)));
  auto size = parse_size(value.get<std::string>());
  if (!size) return with_context(size.error(), where, Errc::malformed);
  return size;
}

inline Result<std::string> as_string(const json& value, const std::string& where) {
  if (!value.is_string()) return bad(where, fmt::format("{} is not a string", describe(value)));
  return value.get<std::string>();
}

inline Result<bool> as_bool(const json& value, const std::string& where) {
  if (!value.is_boolean()) return bad(where, fmt::format("{} is not true or false", describe(value)));
  return value.get<bool>();
}

// Parses text, turning nlohmann's exceptions into a value at this boundary: parse errors, and
// out_of_range for numbers too large for a double (found by fuzzing: "11E11111111").
inline Result<json> parse_document(std::string_view text, const std::string& origin) {
  try {
    return json::parse(text);
  } catch (const json::exception& error) {
    return make_error(Errc::malformed, fmt::format("{}: not valid JSON: {}", origin, error.what()));
  }
}

}  // namespace ljmm::detail::json_fields
