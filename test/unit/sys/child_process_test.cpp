// Starting children: exec errors come back as errors, a held child waits for release(), exit
// statuses read as a shell shows them.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include "ljmm/child_process.hpp"

namespace ljmm {
namespace {

TEST(ChildProcess, ACommandThatDoesNotExistIsAnError) {
  auto child = spawn({"ljmm-no-such-command-anywhere"});
  ASSERT_FALSE(child);
  EXPECT_NE(child.error().message.find("ljmm-no-such-command-anywhere"), std::string::npos) << child.error().message;
}

TEST(ChildProcess, ExitStatusesReadAsAShellShowsThem) {
  auto child = spawn({"sh", "-c", "exit 7"});
  ASSERT_TRUE(child) << child.error().message;
  auto status = child->wait();
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 7);
  auto killed = spawn({"sh", "-c", "kill -TERM $$"});
  ASSERT_TRUE(killed);
  EXPECT_EQ(*killed->wait(), 128 + SIGTERM);
}

TEST(ChildProcess, AHeldChildRunsOnlyOnceReleased) {
  auto child = spawn({"sh", "-c", "echo ran"}, SpawnOptions{.pipe_stdout = true, .hold_before_exec = true});
  ASSERT_TRUE(child) << child.error().message;
  EXPECT_FALSE(child->poll());  // waiting at the gate, before exec
  ASSERT_TRUE(child->release());
  auto line = child->read_line(5000);
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_EQ(*line, "ran");
  EXPECT_EQ(*child->wait(), 0);
}

TEST(ChildProcess, TheDestructorEndsAChildThatStillRuns) {
  pid_t pid = 0;
  {
    auto child = spawn({"sleep", "60"});
    ASSERT_TRUE(child);
    pid = child->pid();
  }
  EXPECT_EQ(::kill(pid, 0), -1);  // killed and reaped: no such process
}

TEST(ChildProcess, WaitStatusesOfExitAndSignal) {
  EXPECT_EQ(exit_status_of(0), 0);
  EXPECT_EQ(exit_status_of(3 << 8), 3);
  EXPECT_EQ(exit_status_of(SIGKILL), 128 + SIGKILL);
}

}  // namespace
}  // namespace ljmm
