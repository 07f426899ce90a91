// The attach method: probed when not given (the syscalls tracepoints first here, since fexit is
// not built in), forced by --attach, said with -v and in the JSON summary.
#include <gtest/gtest.h>

#include "trace_marker.hpp"

namespace ljmm::test {
namespace {

TEST(TraceAttach, AutoPrefersTheSyscallsTracepointsAndSaysWhy) {
  MarkerTrace trace = run_marker_trace({}, {"-v", "--backend", "bpf", "--", marker_maps(), "maps", "10"});
  ASSERT_EQ(trace.command.exit_code, 0) << trace.command.err;
  EXPECT_EQ(trace.summary["attach"], "tracepoint");
  EXPECT_NE(trace.command.err.find("attached with syscalls tracepoints: the cheapest for other processes"),
            std::string::npos)
      << trace.command.err;
  EXPECT_EQ(trace.mmaps, 10u);
}

TEST(TraceAttach, AttachForcesTheMethod) {
  for (const std::string& attach : bpf_attaches) {
    MarkerTrace trace = run_marker_trace(
        {}, {"-v", "--backend", "bpf", "--attach", attach, "--", marker_maps(), "maps", "10"});
    ASSERT_EQ(trace.command.exit_code, 0) << trace.command.err;
    EXPECT_EQ(trace.summary["attach"], attach);
    EXPECT_NE(trace.command.err.find("asked for with --attach"), std::string::npos) << trace.command.err;
    EXPECT_EQ(trace.mmaps, 10u) << attach;
  }
}

}  // namespace
}  // namespace ljmm::test
