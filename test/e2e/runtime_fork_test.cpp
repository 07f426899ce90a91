// fork while other threads are inside the runtime: no child hangs (each is waited for at most
// 10 seconds, the whole run at most 120), children place low memory, and each has a counters
// page of its own.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "ljmm/child_process.hpp"

namespace ljmm::test {
namespace {

TEST(RuntimeFork, ThreeHundredForksWhileTwoThreadsMap) {
  for (std::string mode : {"none", "window"}) {
    CommandResult result = run_command({"env", "LJMM_RESERVE=" + mode, "timeout", "-k", "5", "120",
                                        test_progs_dir() + "/runtime_fork", "300"});
    EXPECT_EQ(result.exit_code, 0) << mode << "\n" << result.out << result.err;
    EXPECT_NE(result.out.find("\"hung\":0,\"failed\":0"), std::string::npos) << mode << "\n" << result.out;
    EXPECT_NE(result.out.find("\"parent_near_requests\":0"), std::string::npos)
        << "the children's calls are not counted in the parent's page\n" << result.out;
  }
}

// The fork system call itself runs no fork handler: a child that inherits the lock from a thread
// it does not have takes it over (the holder is gone) and rebuilds what it guarded.
TEST(RuntimeFork, ThreeHundredRawForkSystemCallsWhileTwoThreadsMap) {
  for (std::string mode : {"none", "window"}) {
    CommandResult result = run_command({"env", "LJMM_RESERVE=" + mode, "timeout", "-k", "5", "120",
                                        test_progs_dir() + "/runtime_fork", "rawfork", "300"});
    EXPECT_EQ(result.exit_code, 0) << mode << "\n" << result.out << result.err;
    EXPECT_NE(result.out.find("\"hung\":0,\"failed\":0"), std::string::npos) << mode << "\n" << result.out;
  }
}

nlohmann::json inspected_counters(int pid) {
  CommandResult inspected = run_command({tool("ljmm-inspect"), std::to_string(pid), "--json"});
  EXPECT_EQ(inspected.exit_code, 0) << inspected.err;
  nlohmann::json snapshot = nlohmann::json::parse(inspected.out, nullptr, false);
  if (snapshot.is_discarded() || snapshot["runtime"].is_null()) return nlohmann::json::object();
  return snapshot["runtime"]["counters"];
}

// ljmm-inspect reads each process's own counters page: the child's shows only its own calls.
TEST(RuntimeFork, InspectShowsTheChildsOwnCounters) {
  auto held = spawn({"timeout", "-k", "5", "60", test_progs_dir() + "/runtime_fork", "hold"},
                    SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  ASSERT_TRUE(held.ok());
  auto line = held->read_line(30'000);
  ASSERT_TRUE(line.ok());
  nlohmann::json pids = nlohmann::json::parse(*line);
  nlohmann::json parent = inspected_counters(pids["parent"].get<int>());
  nlohmann::json child = inspected_counters(pids["child"].get<int>());
  held->close_stdin();
  EXPECT_EQ(parent["low_requests"], 3) << parent.dump();
  EXPECT_EQ(parent["near_requests"], 0) << parent.dump();
  EXPECT_EQ(child["low_requests"], 4) << child.dump();
  EXPECT_EQ(child["near_requests"], 1) << child.dump();
}

}  // namespace
}  // namespace ljmm::test
