// ljmm-trace inside a PID namespace, as `docker exec` and `kubectl exec` users run it: the pids
// it is given and prints are the namespace's, and every call is counted.
#include <gtest/gtest.h>

#include "trace_marker.hpp"

namespace ljmm::test {
namespace {

const std::vector<std::string> new_pid_namespace = {"unshare", "--pid", "--fork", "--mount-proc"};

TEST(TraceNamespace, CommandInsideAPidNamespaceIsCountedExactly) {
  for (const std::string& attach : bpf_attaches()) {
    MarkerTrace trace = run_marker_trace(new_pid_namespace, {"--backend", "bpf", "--attach", attach, "--",
                                                             marker_maps(), "maps", "100"});
    ASSERT_EQ(trace.command.exit_code, 0) << attach << ": " << trace.command.err;
    EXPECT_EQ(trace.mmaps, 100u) << attach;
    EXPECT_EQ(trace.munmaps, 100u) << attach;
    EXPECT_EQ(trace.exits, 1u) << attach;
    for (const auto& event : trace.events) {
      // ljmm-trace is pid 1 there; its command the first it forks. The host pid comes beside.
      EXPECT_LT(event["pid"].get<uint32_t>(), 100u) << attach << ": " << event.dump();
      ASSERT_TRUE(event.contains("host_pid")) << event.dump();
      EXPECT_NE(event["host_pid"], event["pid"]) << event.dump();
    }
  }
}

// -p PID inside the namespace: the program waits for SIGUSR1, sent once ljmm-trace says (-v)
// that its probes are attached; the trace ends when the program exits.
TEST(TraceNamespace, AttachByNamespacePidIsCountedExactly) {
  for (const std::string& attach : bpf_attaches()) {
    std::string output = ::testing::TempDir() + "/ns-attach-" + attach + ".jsonl";
    std::string log = ::testing::TempDir() + "/ns-attach-" + attach + ".log";
    // The log is emptied first: a stale one would release the program before the probes attach.
    std::string script = ": >" + log + "; " + marker_maps() + " wait-signal 100 >/dev/null & target=$!; " +
                         tool("ljmm-trace") +
                         " -v --backend bpf --attach " + attach + " --json -o " + output + " -p $target 2>" + log +
                         " & tracer=$!; tries=0; until grep -q 'attached with' " + log +
                         "; do sleep 0.1; tries=$((tries+1)); [ $tries -gt 600 ] && exit 9; done; "
                         "kill -USR1 $target; wait $tracer; status=$?; cat " +
                         log + " >&2; exit $status";
    CommandResult result = run_command({"timeout", "120", "unshare", "--pid", "--fork", "--mount-proc", "sh", "-c",
                                        script});
    MarkerTrace trace = read_marker_trace(output, result);
    ASSERT_EQ(trace.command.exit_code, 0) << attach << ": " << trace.command.err;
    EXPECT_EQ(trace.mmaps, 100u) << attach << ": " << trace.command.err;
    EXPECT_EQ(trace.munmaps, 100u) << attach;
    EXPECT_EQ(trace.exits, 1u) << attach << ": the trace ended with the process";
  }
}

// ljmm-trace outside, the command makes a namespace of its own: its processes are named by the
// pids ljmm-trace sees (the kernel helper does not answer for a nested namespace).
TEST(TraceNamespace, CommandThatMakesANestedNamespaceIsCountedExactly) {
  for (const std::string& attach : bpf_attaches()) {
    MarkerTrace trace = run_marker_trace({}, {"--backend", "bpf", "--attach", attach, "--", "unshare", "--pid",
                                              "--fork", marker_maps(), "maps", "100"});
    ASSERT_EQ(trace.command.exit_code, 0) << attach << ": " << trace.command.err;
    EXPECT_EQ(trace.mmaps, 100u) << attach;
    EXPECT_EQ(trace.munmaps, 100u) << attach;
  }
}

}  // namespace
}  // namespace ljmm::test
