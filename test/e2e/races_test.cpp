// Races with the kernel, created for real: the target exits or execs while it is inspected or
// traced, its mappings change while smaps is read, and a storm overflows the ring buffer. Each
// ends in a consistent result or one clear error, never a crash; lost events are counted exactly.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bpf_probes.hpp"
#include "command.hpp"
#include "ljmm/child_process.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;
using std::chrono::microseconds;

std::string prog(const std::string& name) { return test_progs_dir() + "/" + name; }

// Either a whole snapshot or one line naming the pid; exit codes 0 or 3 only.
void expect_consistent(const CommandResult& result, const std::string& pid) {
  if (result.exit_code == 0) {
    json snapshot = json::parse(result.out, nullptr, false);
    ASSERT_FALSE(snapshot.is_discarded()) << result.out.substr(0, 200);
    uint64_t previous_end = 0;
    for (const json& region : snapshot["regions"]) {
      uint64_t start = std::stoull(region["start"].get<std::string>(), nullptr, 16);
      EXPECT_GE(start, previous_end) << "regions in order, not overlapping";
      previous_end = std::stoull(region["end"].get<std::string>(), nullptr, 16);
    }
    return;
  }
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("pid " + pid), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

TEST(Races, InspectWhileTheTargetExits) {
  std::mt19937 random(1);
  int exited_during = 0;
  for (int round = 0; round < 20; ++round) {
    auto helper = spawn({prog("many_mappings"), "20000"}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
    ASSERT_TRUE(helper.ok());
    std::string line = *helper->read_line(10'000);  // "PID MAPPINGS"
    std::string pid = line.substr(0, line.find(' '));
    std::thread killer([&] {
      std::this_thread::sleep_for(microseconds(random() % 4000));
      ::kill(std::stoi(pid), SIGKILL);
    });
    CommandResult result = run_command({tool("ljmm-inspect"), pid, "--json"});
    killer.join();
    expect_consistent(result, pid);
    exited_during += result.exit_code == 3;
  }
  RecordProperty("exited_during_read", exited_during);
}

TEST(Races, InspectWhileTheTargetExecs) {
  for (int round = 0; round < 10; ++round) {
    auto looping = spawn({prog("exec_loop"), "20", "2"}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
    ASSERT_TRUE(looping.ok());
    std::string pid = std::to_string(looping->pid());
    for (int look = 0; look < 10; ++look) {
      expect_consistent(run_command({tool("ljmm-inspect"), pid, "--json"}), pid);
      std::this_thread::sleep_for(microseconds(3000));
    }
  }
}

TEST(Races, SmapsWhileMappingsChange) {
  auto churn = spawn({prog("churn")}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  ASSERT_TRUE(churn.ok());
  std::string pid = *churn->read_line(10'000);
  for (int look = 0; look < 30; ++look) {
    CommandResult result = run_command({tool("ljmm-inspect"), pid, "--smaps", "--json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json snapshot = json::parse(result.out);
    // Regions and their smaps come from one read of smaps, so they always agree.
    for (const json& region : snapshot["regions"]) EXPECT_EQ(region["smaps"]["Size"], region["size"]);
  }
}

TEST(Races, TraceWhileTheTargetExitsOrExecs) {
  for (const char* backend : {"bpf", "ptrace"}) {
    auto ticker = spawn({prog("ticker")}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
    ASSERT_TRUE(ticker.ok());
    std::string pid = *ticker->read_line(10'000);
    std::thread killer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      ::kill(std::stoi(pid), SIGKILL);
    });
    CommandResult gone = run_command({tool("ljmm-trace"), "--backend", backend, "-q", "-p", pid, "-d", "20"});
    killer.join();
    EXPECT_EQ(gone.exit_code, 0) << backend << ": " << gone.err;
    EXPECT_NE(gone.out.find("1 exited"), std::string::npos) << backend << ": the trace ends with its target\n"
                                                            << gone.out;

    std::string output = ::testing::TempDir() + "/exec-trace-" + std::to_string(::getpid()) + ".jsonl";
    CommandResult execs = run_command(
        {tool("ljmm-trace"), "--backend", backend, "--json", "-o", output, "--", prog("exec_loop"), "5"}, "");
    EXPECT_EQ(execs.exit_code, 0) << execs.err;
    std::ifstream file(output);
    std::string line;
    int exec_events = 0, mmaps = 0;
    while (std::getline(file, line)) {
      json document = json::parse(line);
      exec_events += document["event"] == "exec";
      mmaps += document["syscall"] == "mmap" && document["args"]["length"] == 1 << 20;
    }
    EXPECT_EQ(exec_events, 6) << backend << ": the first exec and five more";
    EXPECT_EQ(mmaps, 6) << backend << ": each image's own 1 MiB";
  }
}

json trace_summary(const std::vector<std::string>& arguments) {
  std::string output = ::testing::TempDir() + "/storm-summary-" + std::to_string(::getpid()) + ".jsonl";
  std::vector<std::string> argv = {tool("ljmm-trace"), "--json", "-q", "-o", output};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  CommandResult result = run_command(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::ifstream file(output);
  std::string line, last;
  while (std::getline(file, line)) last = line;
  return json::parse(last);
}

TEST(Races, AStormLargerThanTheRingLosesEventsAndSaysExactlyHowMany) {
  std::vector<std::string> storm = {"--", prog("mmap_storm"), "100000"};
  std::vector<std::string> roomy = {"--backend", "bpf", "--ring-size", "64MiB"};
  roomy.insert(roomy.end(), storm.begin(), storm.end());
  json all = trace_summary(roomy);
  ASSERT_EQ(all["lost_events"], 0);
  std::vector<std::string> tiny = {"--backend", "bpf", "--ring-size", "4KiB"};
  tiny.insert(tiny.end(), storm.begin(), storm.end());
  json some = trace_summary(tiny);
  uint64_t lost = some["lost_events"];
  EXPECT_GT(lost, 1000u);
  EXPECT_EQ(some["events"].get<uint64_t>() + lost, all["events"].get<uint64_t>())
      << "every event is either delivered or counted as lost";
}

TEST(Races, SigtermStopsTheTraceCleanly) {
  auto ticker = spawn({prog("ticker")}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  ASSERT_TRUE(ticker.ok());
  std::string pid = *ticker->read_line(10'000);
  for (const char* backend : {"bpf", "ptrace"}) {
    auto trace = spawn({tool("ljmm-trace"), "--backend", backend, "-q", "-p", pid}, SpawnOptions{.pipe_stdout = true});
    ASSERT_TRUE(trace.ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ::kill(trace->pid(), SIGTERM);
    std::string out;
    while (auto line = trace->read_line(10'000)) out += *line + "\n";
    EXPECT_EQ(*trace->wait(), 0) << backend;
    EXPECT_NE(out.find("Summary"), std::string::npos) << backend;
  }
  EXPECT_TRUE(no_probe_left());
  EXPECT_EQ(::kill(std::stoi(pid), 0), 0) << "the traced process lives on";
}

}  // namespace
}  // namespace ljmm::test
