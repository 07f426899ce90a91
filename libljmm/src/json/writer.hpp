// A streaming JSON writer into one growing buffer, or in chunks to a sink. Snapshots of
// processes with 65,000 mappings are written this way because building a DOM first costs more
// than reading /proc, and 14 MB kept whole in fresh pages cost a third of the time.
#pragma once

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ljmm::detail {

class JsonWriter {
 public:
  // indent 0 writes one compact line (JSON Lines); indent > 0 pretty-prints.
  explicit JsonWriter(int indent = 2) : indent_(indent) {}
  // Hands the text to `sink` whenever about chunk_bytes are buffered and once the outermost value
  // is closed: the buffer stays small and warm in the cache.
  using Sink = std::function<void(std::string_view)>;
  static constexpr size_t chunk_bytes = 64 * 1024;
  JsonWriter(int indent, Sink sink) : indent_(indent), sink_(std::move(sink)) { out_.reserve(2 * chunk_bytes); }

  // A compact container is written on one line even when pretty-printing: one region per line.
  JsonWriter& begin_object(bool compact = false);
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  // A key spelled in the code: an identifier that needs no escaping, copied at a fixed size.
  // Most keys are these, and they are most of a snapshot's bytes.
  template <size_t N>
  JsonWriter& key(const char (&name)[N]) {
    before_value();
    write_plain_key(std::string_view(name, N - 1));
    return *this;
  }

  JsonWriter& value(std::string_view text);
  // A string that needs no escaping (a name spelled in the code, permissions, hex digits):
  // copied without the scan value() makes. A snapshot has five such strings a region.
  JsonWriter& plain(std::string_view text) {
    before_value();
    write_quoted(text);
    return *this;
  }
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  // Numbers, booleans and addresses are written here, in the header: a region is a dozen of
  // them, and a call each was a tenth of writing a snapshot.
  JsonWriter& value(bool flag) {
    before_value();
    put(flag ? std::string_view("true") : std::string_view("false"));
    return *this;
  }
  JsonWriter& value(int64_t number) {
    before_value();
    if (number < 0) put('-');
    put_decimal(number < 0 ? 0 - static_cast<uint64_t>(number) : static_cast<uint64_t>(number));
    return *this;
  }
  JsonWriter& value(uint64_t number) {
    before_value();
    put_decimal(number);
    return *this;
  }
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(unsigned number) { return value(static_cast<uint64_t>(number)); }
  JsonWriter& value(double number);
  JsonWriter& null();
  // A value another writer made (compact), copied as it is: tables of values written once.
  JsonWriter& raw(std::string_view json);
  // Addresses are strings: JSON numbers lose precision above 2^53.
  JsonWriter& address(uint64_t address) {
    before_value();
    size_t digits = address == 0 ? 1 : static_cast<size_t>(64 - __builtin_clzll(address) + 3) / 4;
    char* at = grow_by(digits + 4);
    std::memcpy(at, "\"0x", 3);
    put_hex(at + 3, digits, address);
    at[digits + 3] = '"';
    return *this;
  }

  template <class Name, class T>
  JsonWriter& field(const Name& name, const T& v) {
    key(name);
    return value(v);
  }
  template <class Name>
  JsonWriter& plain_field(const Name& name, std::string_view text) {
    key(name);
    return plain(text);
  }
  template <class Name>
  JsonWriter& address_field(const Name& name, uint64_t a) {
    key(name);
    return address(a);
  }

  void reserve(size_t bytes) { out_.reserve(bytes); }

  // The document so far (what is not yet handed to a sink); a newline is appended once the
  // outermost value is closed.
  std::string_view str() const { return {out_.data(), used_}; }
  std::string take() {
    out_.resize(used_);
    used_ = 0;
    return std::move(out_);
  }

 private:
  // Room for `count` more bytes, returned for writing: out_ is grown in large steps and its
  // bytes past used_ are scratch, so a key or a number is one copy, not a checked append each.
  char* grow_by(size_t count) {
    if (out_.size() - used_ < count) make_room(count);
    char* at = out_.data() + used_;
    used_ += count;
    return at;
  }
  void make_room(size_t count);
  void put(char c) { *grow_by(1) = c; }
  void put(std::string_view text) {
    if (!text.empty()) std::memcpy(grow_by(text.size()), text.data(), text.size());
  }

  // The comma (and indentation) due before a value; nothing after a key. Inside a compact
  // container (every field of a region) it is ", " or "," once the first element is written.
  void before_value() {
    if (after_key_) {
      after_key_ = false;
    } else if (in_compact() && has_element_.back()) {
      char* at = grow_by(2);
      at[0] = ',';
      at[1] = ' ';
      if (indent_ <= 0) used_ -= 1;
    } else if (!has_element_.empty()) {
      separate();
    }
  }
  void separate();
  // "name": (with a space when pretty-printing).
  void write_plain_key(std::string_view name) {
    after_key_ = true;
    char* at = grow_by(name.size() + 4);
    at[0] = '"';
    std::memcpy(at + 1, name.data(), name.size());
    char* end = at + 1 + name.size();
    end[0] = '"';
    end[1] = ':';
    end[2] = ' ';
    if (indent_ <= 0) used_ -= 1;
  }
  // Containers are where the output may be cut: one region or gap is one object.
  void maybe_flush() {
    if (sink_ && used_ >= chunk_bytes) flush();
  }
  void flush();
  void close_document();
  void newline_and_indent();
  bool in_compact() const { return compact_depth_ != 0 && has_element_.size() >= compact_depth_; }
  void put_decimal(uint64_t number) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    put(std::string_view(digits, static_cast<size_t>(end - digits)));
  }
  // `count` hex digits of `number` at `at`, two a step: addresses are a third of a snapshot's numbers.
  static void put_hex(char* at, size_t count, uint64_t number) {
    size_t i = count;
    for (; i >= 2; i -= 2, number >>= 8) std::memcpy(at + i - 2, &hex_pairs[2 * (number & 0xff)], 2);
    if (i == 1) at[0] = hex_pairs[2 * (number & 0xf) + 1];
  }
  static constexpr auto hex_pairs = [] {
    std::array<char, 512> table{};
    constexpr char hex[] = "0123456789abcdef";
    for (int byte = 0; byte < 256; ++byte) {
      table[2 * byte] = hex[byte >> 4];
      table[2 * byte + 1] = hex[byte & 0xf];
    }
    return table;
  }();
  void write_escaped(std::string_view text);
  void write_quoted(std::string_view plain_text) {
    char* at = grow_by(plain_text.size() + 2);
    at[0] = '"';
    if (!plain_text.empty()) std::memcpy(at + 1, plain_text.data(), plain_text.size());
    at[plain_text.size() + 1] = '"';
  }

  std::string out_;
  size_t used_ = 0;  // bytes of out_ written; the rest is room
  int indent_;
  Sink sink_;
  // One entry per open container: true once it holds an element (so a comma is due).
  std::vector<uint8_t> has_element_;
  bool after_key_ = false;
  size_t compact_depth_ = 0;  // nesting depth of the outermost compact container, 0 when none
};

}  // namespace ljmm::detail
