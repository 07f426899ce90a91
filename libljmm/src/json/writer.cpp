#include "json/writer.hpp"

#include <algorithm>
#include <array>
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

// How many bytes at the start of `text` can be copied as they are.
size_t plain_prefix(std::string_view text) {
  size_t length = 0;
  while (length < text.size() && !special_bytes[static_cast<unsigned char>(text[length])]) ++length;
  return length;
}

}  // namespace

void JsonWriter::make_room(size_t count) {
  // Within what reserve() set aside this zero-fills only the new part; beyond it, doubling.
  size_t wanted = std::max({used_ + count, out_.size() * 2, size_t{256}});
  if (out_.capacity() > out_.size()) wanted = std::max(used_ + count, std::min(wanted, out_.capacity()));
  out_.resize(wanted);
}

void JsonWriter::flush() {
  sink_(str());
  used_ = 0;
}

void JsonWriter::newline_and_indent() {
  if (indent_ <= 0 || in_compact()) return;
  size_t spaces = has_element_.size() * static_cast<size_t>(indent_);
  char* at = grow_by(1 + spaces);
  at[0] = '\n';
  std::memset(at + 1, ' ', spaces);
}

void JsonWriter::close_document() {
  put('\n');
  if (sink_) flush();
}

void JsonWriter::separate() {
  uint8_t& has_element = has_element_.back();
  bool compact = in_compact();
  if (has_element) put(',');
  has_element = true;
  if (!compact) newline_and_indent();
}

JsonWriter& JsonWriter::begin_object(bool compact) {
  maybe_flush();
  before_value();
  put('{');
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
  put('}');
  if (has_element_.empty()) close_document();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  maybe_flush();
  before_value();
  put('[');
  has_element_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  bool had = has_element_.back();
  has_element_.pop_back();
  if (had) newline_and_indent();
  put(']');
  if (has_element_.empty()) close_document();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  if (plain_prefix(name) == name.size()) {
    write_plain_key(name);
    return *this;
  }
  after_key_ = true;
  write_escaped(name);
  put(indent_ > 0 ? ": " : ":");
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  write_escaped(text);
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  if (!std::isfinite(number)) return null();
  before_value();
  put(fmt::format("{}", number));
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  put(json);
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  put("null");
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
  size_t first_special = plain_prefix(text);
  if (first_special == text.size()) {  // most strings: copied at once between their quotes
    write_quoted(text);
    return;
  }
  put('"');
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t plain_from = 0;
  for (size_t i = first_special; i < text.size();) {
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
    put(text.substr(plain_from, i - plain_from));
    switch (byte) {
      case '"': put("\\\""); break;
      case '\\': put("\\\\"); break;
      case '\n': put("\\n"); break;
      case '\t': put("\\t"); break;
      case '\r': put("\\r"); break;
      default:
        if (byte >= 0x80) {
          put("\\ufffd");  // not valid UTF-8
        } else {
          put(fmt::format("\\u{:04x}", byte));
        }
    }
    plain_from = ++i;
  }
  put(text.substr(plain_from));
  put('"');
}

}  // namespace ljmm::detail
