#include "json/writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace ljmm::detail {

namespace {

// 1 for bytes that cannot be copied as they are: control characters, '"', '\\', and bytes of
// multi-byte UTF-8 sequences (which are validated).
constexpr auto special_bytes = [] {
  std::array<bool, 256> table{};
  for (int byte = 0; byte < 256; ++byte) table[byte] = byte < 0x20 || byte == '"' || byte == '\\' || byte >= 0x80;
  return table;
}();

}  // namespace

void JsonWriter::newline_and_indent() {
  if (indent_ <= 0 || in_compact()) return;
  out_.push_back('\n');
  out_.append(has_element_.size() * static_cast<size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_element_.empty()) {
    if (has_element_.back()) out_.append(in_compact() && indent_ > 0 ? ", " : ",");
    has_element_.back() = true;
    newline_and_indent();
  }
}

JsonWriter& JsonWriter::begin_object(bool compact) {
  before_value();
  out_.push_back('{');
  has_element_.push_back(false);
  if (compact && compact_depth_ == 0) compact_depth_ = has_element_.size();
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  bool had = has_element_.back();
  bool compact = in_compact();
  has_element_.pop_back();
  if (compact_depth_ > has_element_.size()) compact_depth_ = 0;
  if (had && !compact) newline_and_indent();
  out_.push_back('}');
  if (has_element_.empty()) out_.push_back('\n');
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  has_element_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  bool had = has_element_.back();
  has_element_.pop_back();
  if (had) newline_and_indent();
  out_.push_back(']');
  if (has_element_.empty()) out_.push_back('\n');
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  after_key_ = true;
  // Keys are short identifiers: build "name": in one buffer and append it once.
  char buffer[64];
  if (name.size() <= sizeof buffer - 4 &&
      std::none_of(name.begin(), name.end(), [](char c) { return special_bytes[static_cast<unsigned char>(c)]; })) {
    buffer[0] = '"';
    std::memcpy(buffer + 1, name.data(), name.size());
    size_t length = name.size() + 1;
    buffer[length++] = '"';
    buffer[length++] = ':';
    if (indent_ > 0) buffer[length++] = ' ';
    out_.append(buffer, length);
    return *this;
  }
  write_escaped(name);
  out_.append(indent_ > 0 ? ": " : ":");
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  write_escaped(text);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  out_.append(flag ? "true" : "false");
  return *this;
}

void JsonWriter::append_unsigned(uint64_t number, int base) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, number, base).ptr;
  out_.append(digits, end);
}

JsonWriter& JsonWriter::value(int64_t number) {
  before_value();
  if (number < 0) out_.push_back('-');
  append_unsigned(number < 0 ? 0 - static_cast<uint64_t>(number) : static_cast<uint64_t>(number), 10);
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t number) {
  before_value();
  append_unsigned(number, 10);
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  if (!std::isfinite(number)) return null();
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", number);
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_.append("null");
  return *this;
}

JsonWriter& JsonWriter::address(uint64_t address) {
  before_value();
  out_.append("\"0x");
  append_unsigned(address, 16);
  out_.push_back('"');
  return *this;
}

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid: RFC 3629's
// table, so no overlong forms, no surrogates, nothing above U+10FFFF (fuzz_maps found that a
// looser check let such bytes through, and a JSON parser then refused the snapshot).
size_t utf8_sequence_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t length = lead < 0x80                    ? 1
                  : lead >= 0xc2 && lead <= 0xdf ? 2
                  : lead >= 0xe0 && lead <= 0xef ? 3
                  : lead >= 0xf0 && lead <= 0xf4 ? 4
                                                 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k)
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  unsigned char second = length > 1 ? byte(i + 1) : 0;
  if (lead == 0xe0 && second < 0xa0) return 0;  // overlong
  if (lead == 0xed && second > 0x9f) return 0;  // UTF-16 surrogates
  if (lead == 0xf0 && second < 0x90) return 0;  // overlong
  if (lead == 0xf4 && second > 0x8f) return 0;  // above U+10FFFF
  return length;
}

}  // namespace

// Paths are bytes, JSON is UTF-8: bytes that are not valid UTF-8 become U+FFFD.

void JsonWriter::write_escaped(std::string_view text) {
  out_.push_back('"');
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t plain_from = 0;
  for (size_t i = 0; i < text.size();) {
    if (!special_bytes[bytes[i]]) {
      ++i;
      continue;
    }
    unsigned char byte = bytes[i];
    if (byte >= 0x80) {
      if (size_t length = utf8_sequence_length(text, i); length > 0) {
        i += length;
        continue;
      }
    }
    out_.append(text.data() + plain_from, i - plain_from);
    switch (byte) {
      case '"': out_.append("\\\""); break;
      case '\\': out_.append("\\\\"); break;
      case '\n': out_.append("\\n"); break;
      case '\t': out_.append("\\t"); break;
      case '\r': out_.append("\\r"); break;
      default:
        if (byte >= 0x80) {
          out_.append("\\ufffd");  // not valid UTF-8
        } else {
          fmt::format_to(std::back_inserter(out_), "\\u{:04x}", byte);
        }
    }
    plain_from = ++i;
  }
  out_.append(text.data() + plain_from, text.size() - plain_from);
  out_.push_back('"');
}

}  // namespace ljmm::detail
