// Every loss counted and said while it happens: a ring buffer too small for a storm of calls.
#include <gtest/gtest.h>

#include "trace_marker.hpp"

namespace ljmm::test {
namespace {

// The command storms, then waits until ljmm-trace has said on stderr that events are being
// lost: the live line must come while the trace runs, not only in the summary.
TEST(TraceLosses, LossesAreSaidLiveAndBrokenDownByCause) {
  for (const std::string& attach : bpf_attaches()) {
    std::string output = ::testing::TempDir() + "/losses-" + attach + ".jsonl";
    std::string log = ::testing::TempDir() + "/losses-" + attach + ".log";
    std::string command = test_progs_dir() + "/mmap_storm 200000; tries=0; until grep -q 'lost so far' " + log +
                          "; do sleep 0.1; tries=$((tries+1)); [ $tries -gt 600 ] && exit 9; done";
    std::string script = ": >" + log + "; " + tool("ljmm-trace") + " --backend bpf --attach " + attach +
                         " --ring-size 4KiB -q --json -o " + output + " -- sh -c \"" + command + "\" 2>" + log +
                         "; status=$?; cat " + log + " >&2; exit $status";
    MarkerTrace trace = read_marker_trace(output, run_command({"timeout", "120", "sh", "-c", script}));
    ASSERT_EQ(trace.command.exit_code, 0) << attach << ": " << trace.command.err;
    EXPECT_EQ(trace.summary["command_exit"], 0) << attach << ": the live line came";
    EXPECT_NE(trace.command.err.find("lost so far ("), std::string::npos) << trace.command.err;
    EXPECT_NE(trace.command.err.find("ring buffer full"), std::string::npos) << trace.command.err;
    const auto& losses = trace.summary["losses"];
    EXPECT_GT(losses["ring_buffer"].get<uint64_t>(), 0u) << attach;
    uint64_t total = 0;
    for (const char* cause : {"ring_buffer", "entry_table", "traced_set", "ia32_arguments", "x32_calls"})
      total += losses[cause].get<uint64_t>();
    EXPECT_EQ(trace.summary["lost_events"].get<uint64_t>(), total) << losses.dump();
  }
}

}  // namespace
}  // namespace ljmm::test
