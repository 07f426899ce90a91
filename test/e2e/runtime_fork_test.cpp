// fork while other threads are inside the runtime: no child hangs (each is waited for at most
// 10 seconds, the whole run at most 120), children place low memory, and each has a counters
// page of its own.
#include <gtest/gtest.h>

#include "command.hpp"

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

}  // namespace
}  // namespace ljmm::test
