// Why a trace stopped, and what the summary says of processes: the -p ones always listed, the
// mappings of those that exited counted apart from those still alive.
#include <gtest/gtest.h>

#include "ljmm/trace_report.hpp"
#include "trace/session/session.hpp"

namespace ljmm::trace {
namespace {

constexpr uint64_t s = 1'000'000'000;

Options with_command() {
  Options options;
  options.command = {"true"};
  options.grace_seconds = 10;
  options.idle_seconds = 2;
  return options;
}

TEST(StopPolicy, IdleOnceTheOthersMakeNoCalls) {
  Options options = with_command();
  detail::StopPolicy policy(options, 0);
  bool interrupted = false;
  policy.command_exited(1 * s);
  policy.saw_event(2 * s, 40);
  EXPECT_FALSE(policy.should_stop(3 * s, 1, interrupted));
  ASSERT_TRUE(policy.should_stop(4 * s + 1, 1, interrupted));
  RunResult result;
  policy.describe_stop(4 * s + 1, {40}, result);
  EXPECT_EQ(result.stop_reason, StopReason::idle);
  EXPECT_TRUE(result.busy_pids.empty());
  EXPECT_FALSE(interrupted);
}

TEST(StopPolicy, GraceOverWhileAProcessIsStillAtWorkNamesIt) {
  Options options = with_command();
  detail::StopPolicy policy(options, 0);
  bool interrupted = false;
  policy.command_exited(1 * s);
  uint64_t now = 1 * s;
  for (; now < 11 * s; now += s / 2) {
    policy.saw_event(now, 40);
    if (policy.should_stop(now, 1, interrupted)) break;
  }
  EXPECT_EQ(now, 11 * s) << "busy processes keep the trace going until the grace ends";
  ASSERT_TRUE(policy.should_stop(now, 1, interrupted));
  RunResult result;
  policy.describe_stop(now, {40, 41}, result);
  EXPECT_EQ(result.stop_reason, StopReason::grace);
  EXPECT_EQ(result.busy_pids, std::vector<uint32_t>{40});
  EXPECT_EQ(result.limit_seconds, 10);
  Summary summary;
  summary.add_target(40, "nginx");
  EXPECT_NE(stop_sentence(summary, result).find("while pid 40 (nginx) was still making calls"), std::string::npos)
      << stop_sentence(summary, result);
  EXPECT_NE(busy_warning(summary, result).find("WARNING: pid 40 (nginx) was still at work"), std::string::npos);
}

TEST(StopPolicy, NothingElseTracedEndsWithTheCommand) {
  Options options = with_command();
  detail::StopPolicy policy(options, 0);
  bool interrupted = false;
  policy.command_exited(1 * s);
  ASSERT_TRUE(policy.should_stop(1 * s, 0, interrupted));
  RunResult result;
  policy.describe_stop(1 * s, {}, result);
  EXPECT_EQ(result.stop_reason, StopReason::command_done);
  EXPECT_EQ(busy_warning(Summary{}, result), "");
}

TEST(TraceSummary, TargetsAreListedWithoutAnyCall) {
  Summary summary;
  summary.add_target(123, "nginx");
  ASSERT_EQ(summary.processes().count(123), 1u);
  EXPECT_TRUE(summary.processes().at(123).target);
  EXPECT_EQ(summary.processes().at(123).comm, "nginx");
}

TEST(TraceSummary, MappingsOfExitedProcessesAreCountedApart) {
  Summary summary;
  for (uint32_t pid : {10u, 11u}) {
    Event mapping;
    mapping.pid = mapping.tid = pid;
    mapping.syscall = static_cast<int>(Syscall::mmap);
    mapping.args = {0, 0x2000, 3, 0x22, ~0ULL, 0};
    mapping.ret = 0x7f0000000000;
    summary.on_event(mapping);
  }
  Event exit;
  exit.kind = EventKind::exit;
  exit.pid = exit.tid = 11;
  summary.on_event(exit);
  auto live = summary.live_mappings();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].pid, 10u);
  EXPECT_EQ(summary.exited_mappings().processes, 1u);
  EXPECT_EQ(summary.exited_mappings().count, 1u);
  EXPECT_EQ(summary.exited_mappings().bytes, 0x2000u);
  EXPECT_TRUE(summary.processes().at(11).exited);
}

}  // namespace
}  // namespace ljmm::trace
