#include "ljmm/runtime_stats.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

namespace ljmm {
namespace {

// One entry per field of struct ljmm_stats, in the struct's order: the JSON document lists them so.
TEST(RuntimeCounters, EveryFieldOnceInTheStructsOrder) {
  ljmm_stats stats{};
  const auto* base = reinterpret_cast<const std::byte*>(&stats);
  std::set<std::string_view> names;
  ptrdiff_t previous = -1;
  for (const RuntimeCounter& counter : runtime_counters()) {
    ptrdiff_t offset = reinterpret_cast<const std::byte*>(&(stats.*counter.member)) - base;
    EXPECT_GT(offset, previous) << counter.name;
    previous = offset;
    EXPECT_TRUE(names.insert(counter.name).second) << counter.name;
  }
  EXPECT_EQ(runtime_counters().size() * sizeof(uint64_t), sizeof(ljmm_stats));
  EXPECT_EQ(runtime_counters().front().name, "calls");
}

TEST(RuntimeCounters, ReserveModesByName) {
  for (uint32_t mode : {LJMM_RESERVE_NONE, LJMM_RESERVE_BRK_BLOCK, LJMM_RESERVE_WINDOW})
    EXPECT_EQ(parse_reserve_mode(reserve_mode_name(mode)), mode);
  EXPECT_STREQ(reserve_mode_name(LJMM_RESERVE_BRK_BLOCK), "brk-block");
  EXPECT_STREQ(reserve_mode_name(99), "none") << "a newer runtime's mode";
  EXPECT_EQ(parse_reserve_mode("brk_block"), std::nullopt);
}

// docs/schema/snapshot.schema.json is the documents' contract: its modes and flags are the ones
// the library writes, and the counters it requires are among those the runtime keeps.
TEST(RuntimeCounters, TheSchemaSaysTheSameNames) {
  std::ifstream file(std::string(LJMM_SOURCE_DIR) + "/docs/schema/snapshot.schema.json");
  auto schema = nlohmann::json::parse(file);
  const auto& runtime = schema["properties"]["runtime"]["oneOf"][1];
  std::vector<std::string> modes;
  for (uint32_t mode : {LJMM_RESERVE_NONE, LJMM_RESERVE_BRK_BLOCK, LJMM_RESERVE_WINDOW})
    modes.push_back(reserve_mode_name(mode));
  EXPECT_EQ(runtime["properties"]["reserve_mode"]["enum"].get<std::vector<std::string>>(), modes);
  for (const RuntimeFlag& flag : runtime_flags())
    EXPECT_EQ(runtime["properties"][std::string(flag.name)]["type"], "boolean") << flag.name;
  std::set<std::string_view> counters;
  for (const RuntimeCounter& counter : runtime_counters()) counters.insert(counter.name);
  for (const auto& required : runtime["properties"]["counters"]["required"])
    EXPECT_TRUE(counters.count(required.get<std::string>())) << required;
}

}  // namespace
}  // namespace ljmm
