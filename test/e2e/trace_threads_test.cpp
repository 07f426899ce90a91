// A process is its thread group: it lives on after its main thread exits, and it continues
// through an exec made by any of its threads. Exact counts, over repeated runs.
#include <gtest/gtest.h>

#include <map>

#include "trace_marker.hpp"

namespace ljmm::test {
namespace {

// Five such processes, one after the other under one trace (a trace's start and end are most
// of its time where fexit is allowed: each detach waits out a grace period). Each is counted
// whole, by its own pid.
TEST(TraceThreads, MainThreadExitingFirstLosesNothing) {
  constexpr size_t processes = 5;
  const std::string shell_loop = "for i in 1 2 3 4 5; do \"$0\" main-exits-first 4 100 || exit $?; done";
  for (const std::string& attach : bpf_attaches()) {
    MarkerTrace trace = run_marker_trace(
        {}, {"--backend", "bpf", "--attach", attach, "--", "sh", "-c", shell_loop, marker_maps()});
    ASSERT_EQ(trace.command.exit_code, 0) << attach << ": " << trace.command.err;
    std::map<int64_t, std::pair<size_t, size_t>> per_process;  // pid: marker mmaps, munmaps
    for (const nlohmann::json& event : trace.events) {
      if (event["event"] != "syscall" || event["args"].value("length", uint64_t{0}) != marker_bytes) continue;
      auto& [mmaps, munmaps] = per_process[event["pid"].get<int64_t>()];
      mmaps += event["syscall"] == "mmap";
      munmaps += event["syscall"] == "munmap";
    }
    EXPECT_EQ(per_process.size(), processes) << attach;
    for (const auto& [pid, counts] : per_process) {
      EXPECT_EQ(counts.first, 400u) << attach << " pid " << pid;
      EXPECT_EQ(counts.second, 400u) << attach << " pid " << pid;
    }
    EXPECT_EQ(trace.exits, processes + 1) << attach << ": each process exits once, and the shell";
    EXPECT_EQ(trace.summary["lost_events"], 0) << attach;
  }
}

TEST(TraceThreads, ExecByAThreadThatIsNotTheMainOneContinuesTheProcess) {
  for (const std::string& attach : bpf_attaches()) {
    MarkerTrace trace = run_marker_trace(
        {}, {"--backend", "bpf", "--attach", attach, "--", marker_maps(), "thread-execs", "50"});
    ASSERT_EQ(trace.command.exit_code, 0) << attach << ": " << trace.command.err;
    EXPECT_EQ(trace.mmaps, 50u) << attach;
    EXPECT_EQ(trace.munmaps, 50u) << attach;
    EXPECT_EQ(trace.exits, 1u) << attach;
  }
}

}  // namespace
}  // namespace ljmm::test
