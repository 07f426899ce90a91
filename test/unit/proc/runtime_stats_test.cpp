#include "ljmm/runtime_stats.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <set>

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

}  // namespace
}  // namespace ljmm
