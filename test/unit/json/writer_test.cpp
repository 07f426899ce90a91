#include "json/writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ljmm::detail {
namespace {

TEST(JsonWriter, PrettyAndCompactContainers) {
  JsonWriter json(2);
  json.begin_object().field("a", 1).key("list").begin_array().value("x").value(true).null().end_array();
  json.key("row").begin_object(true).field("b", uint64_t{2}).address_field("at", 0x1000).end_object().end_object();
  EXPECT_EQ(json.str(),
            "{\n  \"a\": 1,\n  \"list\": [\n    \"x\",\n    true,\n    null\n  ],\n"
            "  \"row\": {\"b\": 2, \"at\": \"0x1000\"}\n}\n");
  EXPECT_FALSE(nlohmann::json::parse(json.str(), nullptr, false).is_discarded());
}

TEST(JsonWriter, NumbersKeepTheirFullRange) {
  JsonWriter json(0);
  json.begin_array().value(UINT64_MAX).value(INT64_MIN).value(int64_t{-1}).end_array();
  EXPECT_EQ(json.str(), "[18446744073709551615,-9223372036854775808,-1]\n");
}

TEST(JsonWriter, AddressesAndKeysThatNeedEscaping) {
  JsonWriter json(0);
  json.begin_array().address(0).address(0x7fffffffe000).address(UINT64_MAX).end_array();
  EXPECT_EQ(json.str(), "[\"0x0\",\"0x7fffffffe000\",\"0xffffffffffffffff\"]\n");
  JsonWriter keys(2);
  std::string smaps_name = "Odd \"name\"";  // a key that is not a literal of the code goes through escaping
  keys.begin_object(true).field(smaps_name, 1).field("plain", 2).end_object();
  EXPECT_EQ(keys.str(), "{\"Odd \\\"name\\\"\": 1, \"plain\": 2}\n");
}

// A sink gets the document in pieces whose concatenation is what the buffer alone would hold.
TEST(JsonWriter, ASinkGetsTheSameDocumentInPieces) {
  auto write = [](JsonWriter& json) {
    json.begin_object().key("rows").begin_array();
    for (uint64_t i = 0; i < 20000; ++i)
      json.begin_object(true).address_field("start", i << 12).field("size", i).field("path", "/x").end_object();
    json.end_array().end_object();
  };
  JsonWriter whole(2);
  write(whole);
  std::string joined;
  size_t pieces = 0, largest = 0;
  JsonWriter streamed(2, [&](std::string_view piece) {
    joined += piece;
    ++pieces;
    largest = std::max(largest, piece.size());
  });
  write(streamed);
  EXPECT_EQ(joined, whole.str());
  EXPECT_GT(pieces, 5u);
  EXPECT_LT(largest, JsonWriter::chunk_bytes + 1024);
}

// Found by fuzz_maps: bytes that look like UTF-8 but are not (overlong, surrogate, beyond
// U+10FFFF, five-byte leads) were written as they were, and the snapshot did not read back.
TEST(JsonWriter, OnlyValidUtf8IsWrittenAsItIs) {
  const char* invalid[] = {"\xc0\xaf",         "\xe0\x80\xaf",         "\xed\xa0\x80", "\xf0\x80\x80\xaf",
                           "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xe2\x82",     "\xff"};
  for (const char* bytes : invalid) {
    JsonWriter json(0);
    json.begin_object().field("path", std::string_view(bytes)).end_object();
    EXPECT_EQ(json.str().find(bytes), std::string::npos) << json.str();
    EXPECT_NE(json.str().find("\\ufffd"), std::string::npos) << json.str();
    EXPECT_NO_THROW({
      auto parsed = nlohmann::json::parse(json.str());
      EXPECT_TRUE(parsed.is_object());
    });
  }
  JsonWriter valid(0);
  valid.begin_object().field("path", std::string_view("\xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf")).end_object();
  EXPECT_NE(valid.str().find("\xe2\x82\xac"), std::string::npos) << "the euro sign stays";
  EXPECT_EQ(valid.str().find("ufffd"), std::string::npos) << valid.str();
}

TEST(JsonWriter, EscapesAndReplacesInvalidUtf8) {
  JsonWriter json(0);
  json.begin_object().field("path", std::string_view("a\"b\\c\n\x01\xff\xc3\xa9")).end_object();
  EXPECT_EQ(json.str(), "{\"path\":\"a\\\"b\\\\c\\n\\u0001\\ufffd\xc3\xa9\"}\n");
  EXPECT_NO_THROW({
    auto parsed = nlohmann::json::parse(json.str());
    EXPECT_TRUE(parsed.is_object());
  });
}

}  // namespace
}  // namespace ljmm::detail
