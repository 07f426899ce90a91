// A process is its thread group: it lives on after its main thread exits, and it continues
// through an exec made by any of its threads. Exact counts, over repeated runs.
#include <gtest/gtest.h>

#include "trace_marker.hpp"

namespace ljmm::test {
namespace {

TEST(TraceThreads, MainThreadExitingFirstLosesNothing) {
  for (const std::string& attach : bpf_attaches()) {
    for (int run = 0; run < 5; ++run) {
      MarkerTrace trace = run_marker_trace({}, {"--backend", "bpf", "--attach", attach, "--", marker_maps(),
                                                "main-exits-first", "4", "100"});
      ASSERT_EQ(trace.command.exit_code, 0) << attach << ": " << trace.command.err;
      EXPECT_EQ(trace.mmaps, 400u) << attach << " run " << run;
      EXPECT_EQ(trace.munmaps, 400u) << attach << " run " << run;
      EXPECT_EQ(trace.exits, 1u) << attach << " run " << run << ": one process, one exit";
      EXPECT_EQ(trace.summary["lost_events"], 0);
    }
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
