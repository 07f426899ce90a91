// What a trace does to the command it starts: the command sees the file descriptors it would see
// without ljmm-trace, and a trace that ends first never leaves it unable to map memory.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "command.hpp"
#include "trace_run.hpp"

namespace ljmm::test {
namespace {

std::string timed_mapper() { return test_progs_dir() + "/timed_mapper"; }

// The reference is the same command run without ljmm-trace, from the same test process.
TEST(TraceCommand, SeesOnlyTheDescriptorsItInherited) {
  // "; true" keeps sh from exec'ing ls, so the list is the shell's own table.
  const std::vector<std::string> list_fds = {"sh", "-c", "ls /proc/$$/fd; true"};
  std::string direct = run_command(list_fds).out;
  ASSERT_FALSE(direct.empty());
  for (const auto& backend : backends()) {
    std::vector<std::string> arguments = backend;
    arguments.push_back("--");
    arguments.insert(arguments.end(), list_fds.begin(), list_fds.end());
    Trace trace = run_trace(arguments);
    EXPECT_EQ(trace.command.out, direct) << name_of(backend) << "with -o, the trace file leaked into the command";
  }
}

// ptrace -d 1 on a program that maps for 3 s: it runs unfiltered and finishes its work untraced.
TEST(TraceCommand, PtraceDurationShorterThanTheCommandLeavesItWorking) {
  Trace trace = run_trace({"--backend", "ptrace", "-d", "1", "--", timed_mapper(), "3"});
  EXPECT_NE(trace.command.out.find("done: 300 rounds, 0 failed"), std::string::npos)
      << trace.command.out << trace.command.err;
  EXPECT_TRUE(trace.summary["ended_processes"].empty()) << trace.summary.dump();
  EXPECT_GT(trace.summary["syscalls"]["mmap"]["calls"].get<int>(), 10);
}

// The same with the BPF backends: nothing is filtered, the command just runs on.
TEST(TraceCommand, BpfDurationShorterThanTheCommandLeavesItWorking) {
  for (const auto& backend : backends()) {
    if (backend[1] != "bpf") continue;
    std::vector<std::string> arguments = backend;
    for (const char* part : {"-d", "1", "--"}) arguments.push_back(part);
    arguments.push_back(timed_mapper());
    arguments.push_back("2");
    Trace trace = run_trace(arguments);
    EXPECT_NE(trace.command.out.find("done: 200 rounds, 0 failed"), std::string::npos) << name_of(backend);
  }
}

// Ctrl-C while a filtered command runs: the command is ended (never left to fail with ENOSYS),
// its real exit status (SIGKILL) is reported, and stderr says why in one line.
TEST(TraceCommand, PtraceInterruptedEndsTheFilteredCommandAndSaysSo) {
  std::string output = temp_file("interrupted.jsonl");
  CommandResult result = run_command({"timeout", "--preserve-status", "-s", "INT", "1", tool("ljmm-trace"), "--json",
                                      "-o", output, "--backend", "ptrace", "--", timed_mapper(), "5"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.find("done:"), std::string::npos) << "the command should not have run on: " << result.out;
  EXPECT_NE(result.err.find("they were ended with SIGKILL"), std::string::npos) << result.err;
  std::ifstream file(output);
  json summary;
  for (std::string line; std::getline(file, line);) {
    json document = json::parse(line);
    if (document["type"] == "summary") summary = document;
  }
  std::remove(output.c_str());
  ASSERT_FALSE(summary.is_null());
  EXPECT_TRUE(summary["interrupted"].get<bool>());
  EXPECT_EQ(summary["ended_processes"].size(), 1u) << summary.dump();
  EXPECT_EQ(summary["command_exit"], 128 + 9);
  EXPECT_FALSE(summary["command_running"].get<bool>());
}

}  // namespace
}  // namespace ljmm::test
