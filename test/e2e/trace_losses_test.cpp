// Every loss counted and said while it happens: a ring buffer too small for a storm of calls.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

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
    for (const char* cause :
         {"ring_buffer", "entry_table", "traced_set", "ia32_arguments", "x32_calls", "activity_table"})
      total += losses[cause].get<uint64_t>();
    EXPECT_EQ(trace.summary["lost_events"].get<uint64_t>(), total) << losses.dump();
  }
}

// A traced set with room for three processes, and a command with six children at once: the
// command and two children are followed; the other four forks are counted, and said while
// they happen.
TEST(TraceLosses, AFullTracedSetCountsEachChildItCannotFollow) {
  for (const std::string& attach : bpf_attaches()) {
    std::string output = ::testing::TempDir() + "/traced-set-" + attach + ".jsonl";
    MarkerTrace trace =
        read_marker_trace(output, run_command({"timeout", "120", tool("ljmm-trace"), "--backend", "bpf", "--attach",
                                               attach, "--max-processes", "3", "-q", "--json", "-o", output, "--", "sh",
                                               "-c", "for i in 1 2 3 4 5 6; do sleep 1 & done; wait"}));
    ASSERT_EQ(trace.command.exit_code, 0) << attach << ": " << trace.command.err;
    EXPECT_EQ(trace.summary["losses"]["traced_set"], 4) << attach << ": " << trace.summary["losses"].dump();
    EXPECT_EQ(trace.summary["lost_events"], 4) << attach;
    EXPECT_NE(trace.command.err.find("traced set full"), std::string::npos) << trace.command.err;
  }
}

// -a with room for two processes' counts, and four processes of the filtered name at once: two
// are counted, and every call of the others is a counted loss.
TEST(TraceLosses, AFullPerProcessTableCountsTheCallsItCannotCount) {
  std::string program = ::testing::TempDir() + "/fullact" + std::to_string(::getpid());
  std::filesystem::copy_file(test_progs_dir() + "/marker_maps", program,
                             std::filesystem::copy_options::overwrite_existing);
  std::string name = std::filesystem::path(program).filename();
  std::string output = program + ".jsonl", log = program + ".log";
  std::string script = ": >" + log + "; " + tool("ljmm-trace") + " -v -a -q --max-processes 2 --comm " + name +
                       " --json -o " + output + " 2>" + log + " & t=$!; until grep -q 'attached with' " + log +
                       "; do kill -0 $t || exit 9; sleep 0.1; done; pids=; for i in 1 2 3 4; do " + program +
                       " wait-signal 10 >/dev/null & pids=\"$pids $!\"; done; sleep 1; pkill -USR1 -x " + name +
                       "; wait $pids; kill -INT $t; wait $t; status=$?; cat " + log + " >&2; exit $status";
  MarkerTrace trace = read_marker_trace(output, run_command({"timeout", "120", "sh", "-c", script}));
  std::filesystem::remove(program);
  ASSERT_EQ(trace.command.exit_code, 0) << trace.command.err;
  EXPECT_EQ(trace.summary["activity"].size(), 2u) << trace.summary["activity"].dump();
  EXPECT_GT(trace.summary["losses"]["activity_table"].get<uint64_t>(), 0u) << trace.summary["losses"].dump();
  EXPECT_NE(trace.command.err.find("per-process table full"), std::string::npos) << trace.command.err;
}

// An entry table with room for two threads, and four threads inside their calls at once: the
// main thread and the first worker to call hold the two slots (a thread keeps its slot until it
// exits), and every call of the other three is counted, and said while it happens. fexit
// programs keep no entry table: with them every call is seen. Only mmap and munmap are traced:
// the threads' own mprotect and madvise (their stacks' guard, their end) are not the count's.
TEST(TraceLosses, AFullEntryTableCountsEachCallItCannotPair) {
  constexpr uint64_t threads = 4, pairs = 50;
  for (const std::string& attach : bpf_attaches()) {
    std::string output = ::testing::TempDir() + "/entry-table-" + attach + ".jsonl";
    MarkerTrace trace = read_marker_trace(
        output, run_command({"timeout", "120", tool("ljmm-trace"), "--backend", "bpf", "--attach", attach,
                             "--max-threads", "2", "--calls", "mmap,munmap", "--json", "-o", output, "--", marker_maps(),
                             "threads-at-once",
                             std::to_string(threads), std::to_string(pairs)}));
    ASSERT_EQ(trace.command.exit_code, 0) << attach << ": " << trace.command.err;
    const auto& losses = trace.summary["losses"];
    if (attach == "fexit") {
      EXPECT_EQ(losses["entry_table"], 0) << losses.dump();
      EXPECT_EQ(trace.mmaps, threads * pairs);
      continue;
    }
    EXPECT_EQ(losses["entry_table"], (threads - 1) * pairs * 2) << attach << ": " << losses.dump();
    EXPECT_EQ(trace.mmaps, pairs) << attach;
    EXPECT_EQ(trace.munmaps, pairs) << attach;
    EXPECT_NE(trace.command.err.find("entry table full"), std::string::npos) << trace.command.err;
  }
}

}  // namespace
}  // namespace ljmm::test
