// The ptrace backend's handling of processes: job control goes through, --no-follow leaves
// children working and unreported, -p names processes and not threads.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "command.hpp"
#include "ljmm/child_process.hpp"
#include "trace_run.hpp"

namespace ljmm::test {
namespace {

uint64_t context_switches(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  uint64_t total = 0;
  for (std::string key; status >> key;) {
    uint64_t value = 0;
    if ((key == "voluntary_ctxt_switches:" || key == "nonvoluntary_ctxt_switches:") && status >> value) total += value;
  }
  return total;
}

// A ticker that wakes up every 5 ms; true once it stops waking up (SIGSTOP took effect).
bool stays_asleep(pid_t pid) {
  for (int tries = 0; tries < 40; ++tries) {
    uint64_t before = context_switches(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (context_switches(pid) == before) return true;
  }
  return false;
}

TEST(TracePtrace, SigstopStopsTheTraceeAndSigcontResumesIt) {
  auto ticker = spawn({test_progs_dir() + "/ticker"}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  ASSERT_TRUE(ticker.ok());
  pid_t pid = std::stoi(ticker->read_line(5000).value());
  auto tracer = spawn(
      {tool("ljmm-trace"), "-q", "-o", "/dev/null", "--backend", "ptrace", "-p", std::to_string(pid), "-d", "30"});
  ASSERT_TRUE(tracer.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let it seize every thread
  ::kill(pid, SIGSTOP);
  EXPECT_TRUE(stays_asleep(pid)) << "SIGSTOP was swallowed: the traced ticker kept running";
  ::kill(pid, SIGCONT);
  uint64_t before = context_switches(pid);
  bool resumed = false;
  for (int tries = 0; tries < 50 && !resumed; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    resumed = context_switches(pid) > before;
  }
  EXPECT_TRUE(resumed) << "SIGCONT did not resume the traced ticker";
  ::kill(tracer->pid(), SIGINT);
  auto status = tracer->wait();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*status, 0);
}

// sh forks the mapper: with --no-follow it is not reported, yet (having inherited the seccomp
// filter) it must stay traced, or every one of its calls would fail with ENOSYS.
TEST(TracePtrace, NoFollowLeavesChildrenWorkingAndUnreported) {
  std::string mapper = test_progs_dir() + "/timed_mapper";
  Trace trace = run_trace({"--backend", "ptrace", "--no-follow", "--", "sh", "-c", mapper + " 1; true"});
  EXPECT_NE(trace.command.out.find("done: 100 rounds, 0 failed"), std::string::npos) << trace.command.out;
  std::set<int> pids;
  for (const json& event : trace.events) pids.insert(event["pid"].get<int>());
  EXPECT_EQ(pids.size(), 1u) << "only sh itself is reported";
  for (const json& event : trace.events) EXPECT_NE(event["comm"], "timed_mapper") << event.dump();
}

TEST(TracePtrace, ThreadIdIsNotAProcess) {
  std::atomic<pid_t> tid{0};
  std::atomic<bool> done{false};
  std::thread worker([&] {
    tid = static_cast<pid_t>(::syscall(SYS_gettid));
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  });
  while (tid == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (const char* backend : {"ptrace", "bpf"}) {
    CommandResult result = run_command({tool("ljmm-trace"), "--backend", backend, "-p", std::to_string(tid.load())});
    EXPECT_EQ(result.exit_code, 2) << backend << ": " << result.err;
    EXPECT_NE(result.err.find("is a thread of process " + std::to_string(::getpid())), std::string::npos) << result.err;
  }
  done = true;
  worker.join();
}

}  // namespace
}  // namespace ljmm::test
