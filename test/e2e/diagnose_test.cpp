// Findings on real reproductions: ljmm-demo's brk hole, the same work without it, threads.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "demo.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;

json inspect(const Demo& demo) {
  CommandResult result = run_command({tool("ljmm-inspect"), demo.pid(), "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out);
}

const json* finding(const json& snapshot, std::string_view id) {
  for (const json& f : snapshot["findings"])
    if (f["id"] == id) return &f;
  return nullptr;
}

TEST(Diagnose, BrkHoleDemoIsFoundAndQuantified) {
  Demo demo = start_demo("brk-hole", {"--mib", "32"});
  json snapshot = inspect(demo);

  const json* blocked = finding(snapshot, "brk-blocked");
  ASSERT_NE(blocked, nullptr) << snapshot["findings"].dump(2);
  EXPECT_EQ((*blocked)["severity"], "error");
  EXPECT_EQ((*blocked)["metrics"]["brk_room_bytes"], 0);
  EXPECT_EQ((*blocked)["metrics"]["blocker_start"], demo.facts["block"]);
  EXPECT_EQ((*blocked)["metrics"]["brk"], demo.facts["brk"]) << "ljmm reads the exact break";
  EXPECT_EQ((*blocked)["confidence"], "high");

  // glibc's own accounting (mallinfo2: arena bytes minus the brk heap) against what ljmm
  // adds up from the maps. ljmm also counts a few small anonymous regions of ld.so and the
  // TLS block that the first fallback merged with, so it may be slightly higher.
  const json* fallback = finding(snapshot, "malloc-mmap-fallback");
  ASSERT_NE(fallback, nullptr);
  uint64_t glibc_bytes = demo.facts["fallback_bytes"];
  uint64_t ljmm_bytes = (*fallback)["metrics"]["fallback_bytes"];
  EXPECT_GT(glibc_bytes, 32u << 20);
  EXPECT_GE(ljmm_bytes, glibc_bytes);
  EXPECT_LE(ljmm_bytes - glibc_bytes, 256u << 10) << "ljmm " << ljmm_bytes << " glibc " << glibc_bytes;
  EXPECT_EQ(snapshot["findings"][0]["severity"], "error") << "worst first";
}

TEST(Diagnose, SameWorkWithoutTheBlockHasNoFalsePositive) {
  Demo demo = start_demo("plain", {"--mib", "32"});
  json snapshot = inspect(demo);
  EXPECT_EQ(finding(snapshot, "brk-blocked"), nullptr);
  EXPECT_EQ(finding(snapshot, "malloc-mmap-fallback"), nullptr);
  const json* room = finding(snapshot, "brk-room");
  ASSERT_NE(room, nullptr);
  EXPECT_GT((*room)["metrics"]["brk_room_bytes"].get<uint64_t>(), 1u << 30);
  for (const json& f : snapshot["findings"]) EXPECT_NE(f["severity"], "error") << f.dump();
}

TEST(Diagnose, ThreadsAreNotFallbacks) {
  Demo demo = start_demo("threads", {"--mib", "8", "--threads", "4"});
  json snapshot = inspect(demo);
  EXPECT_EQ(finding(snapshot, "malloc-mmap-fallback"), nullptr);
  const json* stacks = finding(snapshot, "thread-stacks");
  ASSERT_NE(stacks, nullptr);
  EXPECT_EQ((*stacks)["metrics"]["thread_stacks"], 4);
  const json* arenas = finding(snapshot, "malloc-arenas");
  ASSERT_NE(arenas, nullptr);
  EXPECT_GE((*arenas)["metrics"]["arenas"].get<int>(), 1);
  int stack_regions = 0;
  for (const json& region : snapshot["regions"]) stack_regions += region["role"] == "thread_stack";
  EXPECT_EQ(stack_regions, 4);
}

TEST(Diagnose, TextReportPutsFindingsFirstWithTheFix) {
  Demo demo = start_demo("brk-hole", {"--mib", "32"});
  CommandResult result = run_command({tool("ljmm-inspect"), demo.pid()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  size_t findings = result.out.find("Findings (worst first)");
  size_t picture = result.out.find("Address space, low to high");
  ASSERT_NE(findings, std::string::npos);
  EXPECT_LT(findings, picture);
  size_t blocked = result.out.find("ERROR   brk-blocked");
  ASSERT_NE(blocked, std::string::npos) << result.out;
  EXPECT_NE(result.out.find("fix: ", blocked), std::string::npos);
  EXPECT_NE(result.out.find("M_TOP_PAD"), std::string::npos);
  EXPECT_NE(result.out.find("<malloc_fallback>"), std::string::npos) << "fallback regions are labelled";
}

TEST(Diagnose, FindingsOnlyAndFailOnForScripts) {
  Demo hole = start_demo("brk-hole", {"--mib", "32"});
  Demo plain = start_demo("plain", {"--mib", "8"});
  CommandResult failing = run_command({tool("ljmm-inspect"), hole.pid(), "--findings-only", "--fail-on", "error"});
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_NE(failing.out.find("brk-blocked"), std::string::npos);
  EXPECT_EQ(failing.out.find("Regions by segment"), std::string::npos) << "findings only";
  CommandResult passing = run_command({tool("ljmm-inspect"), plain.pid(), "--findings-only", "--fail-on", "error"});
  EXPECT_EQ(passing.exit_code, 0) << passing.out;
}

TEST(Diagnose, DemoOptionRunsTheBrkHole) {
  CommandResult result = run_command({tool("ljmm-inspect"), "--demo", "--findings-only"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("brk-blocked"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("malloc-mmap-fallback"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace ljmm::test
