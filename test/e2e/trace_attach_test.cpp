// The attach method: probed when not given (fexit where the kernel lets fexit programs attach,
// else the syscalls tracepoints), forced by --attach, said with -v and in the JSON summary.
#include <gtest/gtest.h>

#include "trace_marker.hpp"

namespace ljmm::test {
namespace {

TEST(TraceAttach, AutoPrefersTheCheapestForOtherProcessesAndSaysWhy) {
  MarkerTrace trace = run_marker_trace({}, {"-v", "--backend", "bpf", "--", marker_maps(), "maps", "10"});
  ASSERT_EQ(trace.command.exit_code, 0) << trace.command.err;
  if (fexit_available()) {
    EXPECT_EQ(trace.summary["attach"], "fexit");
    EXPECT_NE(trace.command.err.find("attached with fexit programs on the calls' entry points: they cost other "
                                     "processes nothing"),
              std::string::npos)
        << trace.command.err;
  } else {
    EXPECT_EQ(trace.summary["attach"], "tracepoint");
    EXPECT_NE(trace.command.err.find("attached with syscalls tracepoints: the cheapest for other processes here "
                                     "(fexit is not available: "),
              std::string::npos)
        << trace.command.err;
  }
  EXPECT_EQ(trace.mmaps, 10u);
}

// Asked for, fexit is used where the kernel lets it attach, and fails with the kernel's reason
// where it does not.
// Where the kernel allows fexit (the VM tests), it is used and each call's duration is measured
// (by its fentry twin); elsewhere asking for it fails with the reason.
TEST(TraceAttach, FexitAskedForIsUsedOrFailsWithTheReason) {
  MarkerTrace trace = run_marker_trace({}, {"--backend", "bpf", "--attach", "fexit", "--", marker_maps(), "maps", "10"});
  if (fexit_available()) {
    ASSERT_EQ(trace.command.exit_code, 0) << trace.command.err;
    EXPECT_EQ(trace.summary["attach"], "fexit");
    size_t calls = 0, timed = 0;
    for (const nlohmann::json& event : trace.events) {
      if (event["event"] != "syscall" || event["syscall"] != "mmap") continue;
      if (event["args"].value("length", uint64_t{0}) != marker_bytes) continue;
      ++calls;
      timed += event.value("duration_ns", uint64_t{0}) > 0;
    }
    EXPECT_EQ(calls, 10u);
    EXPECT_EQ(timed, calls) << "every fexit event has its duration";
  } else {
    EXPECT_EQ(trace.command.exit_code, 5) << trace.command.err;
    EXPECT_NE(trace.command.err.find("fexit is not available: "), std::string::npos) << trace.command.err;
  }
}

TEST(TraceAttach, AttachForcesTheMethod) {
  for (const std::string& attach : bpf_attaches()) {
    MarkerTrace trace =
        run_marker_trace({}, {"-v", "--backend", "bpf", "--attach", attach, "--", marker_maps(), "maps", "10"});
    ASSERT_EQ(trace.command.exit_code, 0) << trace.command.err;
    EXPECT_EQ(trace.summary["attach"], attach);
    EXPECT_NE(trace.command.err.find("asked for with --attach"), std::string::npos) << trace.command.err;
    EXPECT_EQ(trace.mmaps, 10u) << attach;
  }
}

// With fexit, each call's duration comes from the fentry program's note of its start; without
// that note it would be 0.
}  // namespace
}  // namespace ljmm::test
