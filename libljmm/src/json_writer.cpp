#include "ljmm/json_writer.hpp"

#include <cmath>

namespace ljmm {

void JsonWriter::newline_and_indent() {
  if (indent_ <= 0) return;
  out_.push_back('\n');
  out_.append(has_element_.size() * static_cast<size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_element_.empty()) {
    if (has_element_.back()) out_.push_back(',');
    has_element_.back() = true;
    newline_and_indent();
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  has_element_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  bool had = has_element_.back();
  has_element_.pop_back();
  if (had) newline_and_indent();
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
  write_escaped(name);
  out_.append(indent_ > 0 ? ": " : ":");
  after_key_ = true;
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

JsonWriter& JsonWriter::value(int64_t number) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", number);
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t number) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", number);
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  if (!std::isfinite(number)) return null();
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", number);
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_.append("null");
  return *this;
}

JsonWriter& JsonWriter::address(uint64_t address) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "\"{:#x}\"", address);
  return *this;
}

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid.
size_t utf8_sequence_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k)
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  if (length == 2 && lead < 0xc2) return 0;  // overlong
  return length;
}

}  // namespace

// Paths are bytes, JSON is UTF-8: bytes that are not valid UTF-8 become U+FFFD.
void JsonWriter::write_escaped(std::string_view text) {
  out_.push_back('"');
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      size_t length = utf8_sequence_length(text, i);
      if (length == 0) {
        out_.append("\\ufffd");
        ++i;
      } else {
        out_.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"': out_.append("\\\""); break;
      case '\\': out_.append("\\\\"); break;
      case '\n': out_.append("\\n"); break;
      case '\t': out_.append("\\t"); break;
      case '\r': out_.append("\\r"); break;
      default:
        if (byte < 0x20) {
          fmt::format_to(std::back_inserter(out_), "\\u{:04x}", byte);
        } else {
          out_.push_back(c);
        }
    }
    ++i;
  }
  out_.push_back('"');
}

}  // namespace ljmm
