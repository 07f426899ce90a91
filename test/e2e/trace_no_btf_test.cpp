// Without kernel BTF the BPF programs cannot load: ljmm-trace falls back to ptrace, says why in
// one line, and still counts every call. /sys/kernel/btf is hidden under a tmpfs in a private
// mount namespace.
#include <gtest/gtest.h>

#include "trace_marker.hpp"

namespace ljmm::test {
namespace {

TEST(TraceNoBtf, FallsBackToPtraceAndCountsExactly) {
  for (const std::string attach : {"auto", "tracepoint"}) {
    MarkerTrace trace = run_marker_trace(
        {"unshare", "-m", "sh", "-c", "mount -t tmpfs none /sys/kernel/btf && exec \"$@\"", "sh"},
        {"--attach", attach, "--", marker_maps(), "maps", "100"});
    ASSERT_EQ(trace.command.exit_code, 0) << attach << ": " << trace.command.err;
    EXPECT_EQ(trace.summary["backend"], "ptrace") << attach;
    EXPECT_NE(trace.summary["backend_reason"].get<std::string>().find("no kernel BTF"), std::string::npos)
        << trace.summary["backend_reason"];
    EXPECT_NE(trace.command.err.find("backend ptrace (no kernel BTF"), std::string::npos) << trace.command.err;
    EXPECT_EQ(trace.mmaps, 100u) << attach;
    EXPECT_EQ(trace.munmaps, 100u) << attach;
  }
}

// Asked for explicitly, the BPF backend fails with the reason instead.
TEST(TraceNoBtf, BpfAskedForFailsWithTheReason) {
  MarkerTrace trace = run_marker_trace(
      {"unshare", "-m", "sh", "-c", "mount -t tmpfs none /sys/kernel/btf && exec \"$@\"", "sh"},
      {"--backend", "bpf", "--", marker_maps(), "maps", "1"});
  EXPECT_NE(trace.command.exit_code, 0);
  EXPECT_NE(trace.command.err.find("no kernel BTF"), std::string::npos) << trace.command.err;
}

}  // namespace
}  // namespace ljmm::test
