#include "ljmm/json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../test_data.hpp"

namespace ljmm {
namespace {

TEST(SnapshotJson, RoundTripKeepsEveryObservedFact) {
  Analysis original = analyze(test::snapshot_from_data_file("threads-pie.smaps"));
  std::string text = snapshot_to_json(original);
  auto parsed = snapshot_from_json(text, "roundtrip.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Snapshot& a = original.snapshot;
  const Snapshot& b = *parsed;
  ASSERT_EQ(a.regions.size(), b.regions.size());
  for (size_t i = 0; i < a.regions.size(); ++i) {
    EXPECT_EQ(a.regions[i].start, b.regions[i].start);
    EXPECT_EQ(a.regions[i].end, b.regions[i].end);
    EXPECT_EQ(a.regions[i].perms, b.regions[i].perms);
    EXPECT_EQ(a.regions[i].label(), b.regions[i].label());
    EXPECT_EQ(a.regions[i].smaps, b.regions[i].smaps);
  }
  EXPECT_EQ(a.process.exe, b.process.exe);
  EXPECT_EQ(a.process.brk, b.process.brk);
  EXPECT_EQ(b.has_smaps, true);
  // Analysis of the read-back snapshot gives the same document, but for where it came from.
  auto again = nlohmann::json::parse(snapshot_to_json(analyze(*parsed)));
  auto first = nlohmann::json::parse(text);
  for (const char* key : {"process", "system", "regions", "gaps", "segments", "findings"})
    EXPECT_EQ(again[key], first[key]) << key;
}

TEST(SnapshotJson, WrittenToASinkIsTheSameDocument) {
  Analysis analysis = analyze(test::snapshot_from_data_file("threads-pie.smaps"));
  for (int indent : {0, 2}) {
    std::string joined;
    write_snapshot_json(analysis, [&](std::string_view piece) { joined += piece; }, indent);
    EXPECT_EQ(joined, snapshot_to_json(analysis, indent));
  }
}

TEST(SnapshotJson, AddressesAreStringsAndSizesIntegers) {
  auto document = nlohmann::json::parse(snapshot_to_json(analyze(test::snapshot_from_data_file("nonpie.maps"))));
  EXPECT_EQ(document["schema"], "ljmm.snapshot/v1");
  const auto& region = document["regions"][0];
  EXPECT_EQ(region["start"], "0x400000");
  EXPECT_EQ(region["size"], 4096);
  EXPECT_EQ(region["segment"], "s1");
  EXPECT_EQ(document["segments"].size(), 8u);
}

void expect_bad(const std::string& text, std::string_view needle) {
  auto parsed = snapshot_from_json(text, "bad.json");
  ASSERT_FALSE(parsed.ok()) << text;
  EXPECT_EQ(parsed.error().code, Errc::malformed);
  EXPECT_NE(parsed.error().message.find(needle), std::string::npos) << parsed.error().message;
}

TEST(SnapshotJson, BadDocumentsNameThePath) {
  expect_bad("{", "not valid JSON");
  expect_bad("[]", "not a JSON object");
  expect_bad(R"({"schema":"other/v1"})", "schema");
  expect_bad(R"({"schema":"ljmm.snapshot/v1","process":{}})", "regions: missing");
  expect_bad(R"({"schema":"ljmm.snapshot/v1","process":{},"regions":[{"start":"0x1000"}]})", "regions[0].end");
  expect_bad(R"({"schema":"ljmm.snapshot/v1","process":{},"regions":[{"start":4096,"end":"0x2000"}]})",
             "regions[0].start");
  expect_bad(R"({"schema":"ljmm.snapshot/v1","process":{"pid":"x"},"regions":[]})", "type");
  expect_bad(R"({"schema":"ljmm.snapshot/v1","process":{},"system":{"page_size":0},"regions":[]})",
             "system.page_size");
}

}  // namespace
}  // namespace ljmm
