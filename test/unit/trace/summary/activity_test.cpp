// The ranking of a system-wide trace (ljmm-trace -a): worst first, and its text and JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "ljmm/trace.hpp"
#include "ljmm/trace_report.hpp"

namespace ljmm::trace {
namespace {

ProcessActivity process(uint32_t pid, uint64_t brk_failures, uint64_t fallback_bytes, uint64_t mmaps) {
  ProcessActivity p;
  p.pid = p.host_pid = pid;
  p.comm = "p" + std::to_string(pid);
  p.calls[call_index(Syscall::mmap)] = mmaps;
  p.calls[call_index(Syscall::brk)] = brk_failures;
  p.failed[call_index(Syscall::brk)] = brk_failures;
  p.fallback_bytes = fallback_bytes;
  return p;
}

TEST(Activity, RanksFailedBrkThenFallbackBytesThenCalls) {
  std::vector<ProcessActivity> processes = {process(1, 0, 0, 100), process(2, 5, 1 << 20, 10),
                                            process(3, 5, 2 << 20, 10), process(4, 9, 0, 1), process(5, 0, 0, 100)};
  rank_activity(processes);
  std::vector<uint32_t> order;
  for (const ProcessActivity& p : processes) order.push_back(p.pid);
  EXPECT_EQ(order, (std::vector<uint32_t>{4, 3, 2, 1, 5}));  // ties by pid
  EXPECT_EQ(processes[0].total_calls(), 10u);
  EXPECT_EQ(processes[0].total_failed(), 9u);
}

TEST(Activity, CallIndexFollowsTracedSyscalls) {
  for (size_t i = 0; i < traced_syscalls.size(); ++i) EXPECT_EQ(call_index(traced_syscalls[i].id), i);
}

TEST(Activity, TextShowsTheTopRowsAndSaysHowManyAreLeftOut) {
  std::vector<ProcessActivity> processes;
  for (uint32_t pid = 1; pid <= 25; ++pid) processes.push_back(process(pid, pid == 7 ? 3 : 0, 0, pid));
  processes[20].exited = true;  // p21: in the top rows
  rank_activity(processes);
  std::string text = activity_text(processes, 20);
  EXPECT_NE(text.find("25 processes made traced calls, 1 of them failed brk calls"), std::string::npos) << text;
  EXPECT_NE(text.find("... and 5 more"), std::string::npos) << text;
  EXPECT_LT(text.find(" p7 "), text.find(" p25 ")) << text;  // the failed brk first
  EXPECT_NE(text.find("p21 (exited)"), std::string::npos) << text;
  EXPECT_NE(activity_text({}, 20).find("0 processes"), std::string::npos);
}

TEST(Activity, JsonIsOneActivityObjectTheSchemaAccepts) {
  std::vector<ProcessActivity> processes = {process(2, 5, 1 << 20, 10), process(1, 0, 0, 3)};
  std::string line = activity_json(processes, 1'500'000'000);
  ASSERT_EQ(line.back(), '\n');
  nlohmann::json document = nlohmann::json::parse(line);
  EXPECT_EQ(document["type"], "activity");
  ASSERT_EQ(document["processes"].size(), 2u);
  EXPECT_EQ(document["processes"][0]["failed"]["brk"], 5);
  EXPECT_EQ(document["processes"][0]["fallback_bytes"], 1 << 20);
  test::CommandResult valid = test::validate_json("trace.schema.json", line, true);
  EXPECT_EQ(valid.exit_code, 0) << valid.out;
}

}  // namespace
}  // namespace ljmm::trace
