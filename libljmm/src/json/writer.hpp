// A streaming JSON writer into one growing buffer. Snapshots of processes with 65,000
// mappings are written this way because building a DOM first costs more than reading /proc.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ljmm::detail {

class JsonWriter {
 public:
  // indent 0 writes one compact line (JSON Lines); indent > 0 pretty-prints.
  explicit JsonWriter(int indent = 2) : indent_(indent) {}

  // A compact container is written on one line even when pretty-printing: one region per line.
  JsonWriter& begin_object(bool compact = false);
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag);
  JsonWriter& value(int64_t number);
  JsonWriter& value(uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(unsigned number) { return value(static_cast<uint64_t>(number)); }
  JsonWriter& value(double number);
  JsonWriter& null();
  // A value another writer made (compact), copied as it is: tables of values written once.
  JsonWriter& raw(std::string_view json);
  // Addresses are strings: JSON numbers lose precision above 2^53.
  JsonWriter& address(uint64_t address);

  template <class T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }
  JsonWriter& address_field(std::string_view name, uint64_t a) {
    key(name);
    return address(a);
  }

  void reserve(size_t bytes) { out_.reserve(bytes); }

  // The document so far; a newline is appended once the outermost value is closed.
  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  void newline_and_indent();
  bool in_compact() const { return compact_depth_ != 0 && has_element_.size() >= compact_depth_; }
  void append_unsigned(uint64_t number, int base);
  void write_escaped(std::string_view text);

  std::string out_;
  int indent_;
  // One entry per open container: true once it holds an element (so a comma is due).
  std::vector<uint8_t> has_element_;
  bool after_key_ = false;
  size_t compact_depth_ = 0;  // nesting depth of the outermost compact container, 0 when none
};

}  // namespace ljmm::detail
